import { defineErrors } from './error-catalogue';

/** Refusals of an amount in a request, whichever API parses it (docs/api-conventions.md). */
export const AmountErrors = defineErrors('amounts', {
  'amount.malformed': {
    status: 400,
    title: 'Amount is not a string',
    description: 'Amounts travel as JSON strings of base units ("150000000"), never as JSON numbers.',
  },
  'amount.base_units_expected': {
    status: 400,
    title: 'Amount is not a whole number of base units',
    description:
      'Every API takes amounts in base units (satoshi, wei, the token’s smallest unit) as digits only: "40000000", not "0.4". Nothing was done.',
  },
  'amount.not_positive': { status: 400, title: 'Amount is zero or negative' },
  'amount.too_precise': {
    status: 400,
    title: 'More decimals than the asset has',
    description: 'Configuration in asset units only; `extra.decimals` says how many the asset allows.',
  },
  'amount.too_large': { status: 400, title: 'Amount exceeds 2^256-1' },
  'amount.required': { status: 400, title: 'Amount missing' },
});
