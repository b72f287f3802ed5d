/**
 * The recovery file's one encoding: JSON with object keys sorted by UTF-16 code units, no
 * whitespace, strings as JSON.stringify writes them, safe integers only (amounts and keys are
 * strings). A file is accepted only if it is byte for byte its own canonical form plus one "\n",
 * so duplicate keys, floats or reordered fields (which JSON.parse would let through) are refused.
 */
export type Canonical = null | boolean | number | string | Canonical[] | { [key: string]: Canonical };

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`not a safe integer: ${value}`);
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new Error(`cannot encode a ${typeof value}`);
}

/** Parses a file that must be in canonical form (one trailing newline). */
export function parseCanonical(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`not JSON: ${(err as Error).message}`);
  }
  if (`${canonicalJson(value)}\n` !== text)
    throw new Error('not in canonical form (sorted keys, no whitespace, one trailing newline, no duplicates)');
  return value;
}
