import { canonicalJson } from './canonical-body';
import { LedgerErrors, type LedgerRefusalCode } from './ledger.errors';

/** Transfer metadata bounds: small, shallow JSON of plain strings (PostgreSQL jsonb refuses NUL and lone surrogates). */
export const MAX_METADATA_BYTES = 4096;
export const MAX_METADATA_DEPTH = 8;

export type MetadataProblem = {
  code: LedgerRefusalCode;
  detail: string;
};

// With the u flag, \p{Cs} matches only a surrogate that is not part of a pair.
const LONE_SURROGATE = /\p{Cs}/u;

/** True when a string can be stored and hashed as written: no NUL, no lone surrogate. */
export function isStorableString(s: string): boolean {
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s);
}

/**
 * Checks metadata without recursion (10,000 levels of nesting must not reach the stack): an
 * object, at most MAX_METADATA_DEPTH levels deep (the object itself is level 1), only JSON
 * values, storable strings in keys and values; a walk that stops early on a value far past the
 * byte budget. Then the exact canonical size (safe to build once the value is shallow).
 */
export function checkMetadata(metadata: unknown): MetadataProblem | null {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))
    return { code: LedgerErrors['transfer.metadata_invalid'].code, detail: 'metadata must be an object' };
  const stack: { value: unknown; depth: number }[] = [{ value: metadata, depth: 1 }];
  let bytes = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (value === null || typeof value === 'boolean') bytes += 4;
    else if (typeof value === 'number') {
      if (!Number.isFinite(value))
        return { code: LedgerErrors['transfer.metadata_invalid'].code, detail: 'metadata numbers must be finite' };
      bytes += String(value).length;
    } else if (typeof value === 'string') {
      if (!isStorableString(value))
        return {
          code: LedgerErrors['transfer.metadata_invalid'].code,
          detail: 'metadata strings must not contain NUL or lone UTF-16 surrogates',
        };
      bytes += Buffer.byteLength(value) + 2;
    } else if (typeof value === 'object') {
      if (depth > MAX_METADATA_DEPTH)
        return {
          code: LedgerErrors['transfer.metadata_too_deep'].code,
          detail: `metadata may nest at most ${MAX_METADATA_DEPTH} levels`,
        };
      const isArray = Array.isArray(value);
      const entries = isArray ? value.map((v) => ['', v] as const) : Object.entries(value as Record<string, unknown>);
      for (const [key, child] of entries) {
        if (!isStorableString(key))
          return {
            code: LedgerErrors['transfer.metadata_invalid'].code,
            detail: 'metadata keys must not contain NUL or lone UTF-16 surrogates',
          };
        if (child === undefined) continue;
        bytes += isArray ? 1 : Buffer.byteLength(key) + 4; // separator (+ quoted key and colon)
        stack.push({ value: child, depth: depth + 1 });
      }
      bytes += 2;
    } else return { code: LedgerErrors['transfer.metadata_invalid'].code, detail: 'metadata holds only JSON values' };
    // About the JSON size (escapes only add): well past the budget, stop walking. The exact
    // canonical size is measured by the caller once the value is known to be small and shallow.
    if (bytes > MAX_METADATA_BYTES * 2)
      return {
        code: LedgerErrors['transfer.metadata_too_large'].code,
        detail: `metadata must be at most ${MAX_METADATA_BYTES} bytes of JSON`,
      };
  }
  if (Buffer.byteLength(canonicalJson(metadata)) > MAX_METADATA_BYTES) {
    return {
      code: LedgerErrors['transfer.metadata_too_large'].code,
      detail: `metadata must be at most ${MAX_METADATA_BYTES} bytes of canonical JSON`,
    };
  }
  return null;
}
