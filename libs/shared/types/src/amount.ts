import { AmountErrors } from './amount.errors';
import { domainError } from './errors';

/** Largest amount any chain can express (uint256); also the numeric(78,0) column bound. */
export const MAX_AMOUNT = (1n << 256n) - 1n;

const DECIMAL = /^(-?)([0-9]+)(?:\.([0-9]+))?$/;

const BASE_UNITS = /^[0-9]+$/;

/**
 * Parses a positive amount given in base units as a decimal integer string ("150000000"): the
 * form every API takes (docs/api-conventions.md). Anything but digits ("0.4", "1e8", " 5") is
 * refused with `amount.base_units_expected` rather than guessed at.
 */
export function parseBaseUnits(input: unknown, field = 'amount'): bigint {
  if (typeof input !== 'string')
    throw domainError(AmountErrors['amount.malformed'], `${field} must be a string of base units`, { field });
  if (/^-[0-9]+$/.test(input))
    throw domainError(AmountErrors['amount.not_positive'], `${field} must be greater than zero`, { field });
  if (!BASE_UNITS.test(input)) {
    throw domainError(
      AmountErrors['amount.base_units_expected'],
      `${field} "${clip(input)}" is not a whole number of base units (digits only: satoshi, wei, the token's smallest unit)`,
      { field },
    );
  }
  return checkRange(BigInt(input), field);
}

/**
 * Parses an amount in asset units ("0.015" BTC) into base units, refusing more decimals than
 * the asset has. For configuration and command-line input only: no API takes asset units.
 */
export function parseAssetUnits(input: unknown, decimals: number, field = 'amount'): bigint {
  const m = unsignedDecimal(input, field, 'a decimal string');
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > decimals) {
    throw domainError(
      AmountErrors['amount.too_precise'],
      `${field} has ${frac.length} decimals; this asset has ${decimals}`,
      {
        field,
        decimals,
      },
    );
  }
  return checkRange(BigInt(m[2] + frac.padEnd(decimals, '0')), field);
}

/** Formats base units as an asset-unit decimal string without trailing zeros ("0.015"), for display. */
export function formatAssetUnits(amount: bigint, decimals: number): string {
  const neg = amount < 0n;
  const digits = (neg ? -amount : amount).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const frac = decimals > 0 ? digits.slice(digits.length - decimals).replace(/0+$/, '') : '';
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** Parses a non-negative base-unit integer string coming from the database or a trusted peer. */
export function toBigInt(value: string | number | bigint): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`unsafe integer ${value}`);
    return BigInt(value);
  }
  if (!/^-?[0-9]+$/.test(value)) throw new Error(`not an integer: ${clip(value)}`);
  return BigInt(value);
}

/** The decimal's sign, whole and fraction groups, refusing non-strings, non-numbers and negatives. */
function unsignedDecimal(input: unknown, field: string, expected: string): RegExpExecArray {
  if (typeof input !== 'string')
    throw domainError(AmountErrors['amount.malformed'], `${field} must be ${expected}`, { field });
  const m = DECIMAL.exec(input);
  if (!m)
    throw domainError(AmountErrors['amount.malformed'], `${field} "${clip(input)}" is not a decimal number`, { field });
  if (m[1] === '-')
    throw domainError(AmountErrors['amount.not_positive'], `${field} must be greater than zero`, { field });
  return m;
}

function checkRange(v: bigint, field: string): bigint {
  if (v === 0n) throw domainError(AmountErrors['amount.not_positive'], `${field} must be greater than zero`, { field });
  if (v > MAX_AMOUNT) throw domainError(AmountErrors['amount.too_large'], `${field} exceeds 2^256-1`, { field });
  return v;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
