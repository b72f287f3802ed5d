import { defineErrors } from './error-catalogue';

/** Refusals of an amount in a request, whichever API parses it. */
export const AmountErrors = defineErrors('amounts', {
  'amount.malformed': {
    status: 400,
    title: 'Amount is not a decimal string',
    description: 'Amounts travel as decimal strings (base units or asset units, as the field says).',
  },
  'amount.not_positive': { status: 400, title: 'Amount is zero or negative' },
  'amount.not_integer': {
    status: 400,
    title: 'Base-unit amount has a fractional part',
    description: 'Fields in base units (satoshi, wei) take whole numbers only.',
  },
  'amount.too_precise': {
    status: 400,
    title: 'More decimals than the asset has',
    description: '`extra.decimals` says how many the asset allows.',
  },
  'amount.too_large': { status: 400, title: 'Amount exceeds 2^256-1' },
  'amount.required': { status: 400, title: 'Amount missing' },
});
