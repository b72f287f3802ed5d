/**
 * Canonical JSON after RFC 8785 (JCS) for the values JSON can carry: object keys sorted by UTF-16
 * code units, no whitespace, strings and numbers serialised as ECMAScript's JSON.stringify does
 * (which is what JCS specifies). Hashes of the audit log are taken over this text, so the same
 * value always gives the same bytes, whatever key order it was built or stored (jsonb) with.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
}

/**
 * The JSON value a payload becomes once stored: what JSON.stringify keeps (dates as ISO strings,
 * undefined members dropped). A bigint is refused: amounts travel as decimal strings.
 */
export function toJsonValue(payload: unknown): JsonValue {
  const text = JSON.stringify(payload, (_k, v: unknown) => {
    if (typeof v === 'bigint') throw new TypeError('audit payloads carry amounts as decimal strings, not bigint');
    return v;
  });
  if (text === undefined) throw new TypeError('audit payload is not JSON');
  return JSON.parse(text) as JsonValue;
}
