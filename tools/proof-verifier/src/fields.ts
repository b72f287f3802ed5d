import { AMOUNT_LIMIT, hexToBytes } from './encoding';
import { ASSET_CODE, MAX_ASSETS, type FormatVersion } from './format';
import { Refusal } from './refusals';
import { JsonNumber, quote, type JsonObject, type JsonValue } from './strict-json';

/** Readers of single fields (docs § fields): each refuses with the field's code and its JSON path. */

export function asObject(v: JsonValue | undefined, where: string): JsonObject {
  if (!(v instanceof Map)) throw new Refusal('wrong_type', where, 'expected an object');
  return v;
}

export function asArray(v: JsonValue | undefined, where: string): JsonValue[] {
  if (!Array.isArray(v)) throw new Refusal('wrong_type', where, 'expected an array');
  return v;
}

export function asString(v: JsonValue | undefined, where: string): string {
  if (typeof v !== 'string') throw new Refusal('wrong_type', where, 'expected a string');
  return v;
}

/** An integer field: a JSON number (the reader already refused fractions and exponents). */
export function asInteger(v: JsonValue | undefined, where: string): bigint {
  if (!(v instanceof JsonNumber)) throw new Refusal('wrong_type', where, 'expected an integer');
  return BigInt(v.text);
}

export function field(obj: JsonObject, key: string, where: string): JsonValue {
  const v = obj.get(key);
  if (v === undefined) throw new Refusal('missing_field', `${where}.${key}`, `${where}.${key} is missing`);
  return v;
}

/** Refuses the first key (in document order) that the format does not define here. */
export function onlyKeys(obj: JsonObject, allowed: readonly string[], where: string): void {
  for (const key of obj.keys())
    if (!allowed.includes(key)) throw new Refusal('unknown_field', `${where}.${key}`, `unknown field ${quote(key)}`);
}

/** The asset list: 1-64 codes, each new; in version 2 strictly ascending (byte order). */
export function readAssets(v: JsonValue, where: string, version: FormatVersion): string[] {
  const list = asArray(v, where);
  if (list.length === 0 || list.length > MAX_ASSETS)
    throw new Refusal('assets_invalid', where, `expected 1-${MAX_ASSETS} asset codes, got ${list.length}`);
  const out: string[] = [];
  list.forEach((item, i) => {
    const code = asString(item, `${where}[${i}]`);
    if (!ASSET_CODE.test(code))
      throw new Refusal('assets_invalid', `${where}[${i}]`, `invalid asset code ${quote(code)}`);
    if (out.includes(code)) throw new Refusal('assets_invalid', `${where}[${i}]`, `duplicate asset code ${code}`);
    if (version >= 2 && i > 0 && code < out[i - 1])
      throw new Refusal('assets_invalid', `${where}[${i}]`, `${code} after ${out[i - 1]}: codes must be ascending`);
    out.push(code);
  });
  return out;
}

const NON_ASCII_DIGIT = /(?![0-9])\p{Nd}/u;
const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** An amount: a decimal string of ASCII digits, no sign, fraction or leading zero, below 2^256. */
export function readAmount(v: JsonValue | undefined, where: string): bigint {
  const s = asString(v, where);
  if (NON_ASCII_DIGIT.test(s)) throw new Refusal('non_ascii_digit', where, `${quote(s)} holds a digit other than 0-9`);
  if (!DECIMAL.test(s)) throw new Refusal('amount_not_canonical', where, `${quote(s)} is not a canonical amount`);
  if (s.length > 78 || BigInt(s) >= AMOUNT_LIMIT) throw new Refusal('amount_range', where, 'exceeds 2^256-1');
  return BigInt(s);
}

/** An amount map: exactly the listed assets (a missing asset is never read as zero), in asset order. */
export function readAmounts(v: JsonValue, assets: string[], where: string): bigint[] {
  const map = asObject(v, where);
  for (const key of map.keys())
    if (!assets.includes(key)) throw new Refusal('asset_set', `${where}.${key}`, `unknown asset ${quote(key)}`);
  const missing = assets.find((a) => !map.has(a));
  if (missing !== undefined) throw new Refusal('asset_set', `${where}.${missing}`, `missing asset ${missing}`);
  return assets.map((a) => readAmount(map.get(a), `${where}.${a}`));
}

const HEX32 = /^[0-9a-f]{64}$/;

export function readHash(v: JsonValue, where: string): Uint8Array {
  const s = asString(v, where);
  if (!HEX32.test(s)) throw new Refusal('hex_invalid', where, 'expected 64 lower-case hex characters');
  return hexToBytes(s);
}
