import { domainError, type ErrorEntry } from '@strongroom/shared-types';

// C0/C1 controls (NUL, ESC of terminal escapes, DEL…), line/paragraph separators, and the bidi
// marks, embeddings, overrides and isolates that make a name render as something else.
const UNSAFE = /[\p{Cc}\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/** Why a label shown to operators is refused, or null when it is fine. */
export function unsafeTextReason(s: string): string | null {
  if (/\p{Cs}/u.test(s)) return 'contains a lone UTF-16 surrogate';
  if (UNSAFE.test(s)) return 'contains a control character, terminal escape, line separator or bidi override';
  return null;
}

/**
 * A trimmed label of 1 to `max` characters with nothing that could hide, reorder or inject
 * terminal output when printed in a list, a log or the audit log; the `refusal` otherwise.
 */
export function safeLabel(value: unknown, refusal: ErrorEntry, what: string, max = 200): string {
  const s = typeof value === 'string' ? value.trim() : '';
  if (s.length < 1 || s.length > max) throw domainError(refusal, `${what} must be 1 to ${max} characters`);
  const reason = unsafeTextReason(s);
  if (reason) throw domainError(refusal, `${what} ${reason}`);
  return s;
}
