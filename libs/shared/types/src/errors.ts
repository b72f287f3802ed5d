import type { ErrorEntry } from './error-catalogue';

/**
 * A failure the caller can act on. `code` is stable and documented (clients switch on it);
 * `status` is the HTTP status the API answers with; `detail` is for humans.
 * Rendered as RFC 9457 problem+json by libs/shared/http. Build one from a catalogue entry
 * (`domainError(entry, detail)`); the (code, status) form only re-raises a code that is already
 * catalogued (an adapter's refusal wrapped with its batch, a refusal read back from a result).
 */
export class DomainError extends Error {
  readonly code: string;
  readonly status: number;
  readonly detail: string;
  readonly extra: Record<string, unknown>;

  constructor(entry: ErrorEntry, detail: string, extra?: Record<string, unknown>);
  constructor(code: string, status: number, detail: string, extra?: Record<string, unknown>);
  constructor(
    entryOrCode: ErrorEntry | string,
    statusOrDetail: number | string,
    detailOrExtra?: string | Record<string, unknown>,
    extra?: Record<string, unknown>,
  ) {
    const fromEntry = typeof entryOrCode !== 'string';
    const code = fromEntry ? entryOrCode.code : entryOrCode;
    const detail = String(fromEntry ? statusOrDetail : detailOrExtra);
    super(`${code}: ${detail}`);
    this.name = 'DomainError';
    this.code = code;
    this.status = fromEntry ? entryOrCode.status : Number(statusOrDetail);
    this.detail = detail;
    this.extra = (fromEntry ? (detailOrExtra as Record<string, unknown> | undefined) : extra) ?? {};
  }
}

/** The error of a catalogue entry: `throw domainError(LedgerErrors['account.not_found'], detail)`. */
export const domainError = (entry: ErrorEntry, detail: string, extra?: Record<string, unknown>) =>
  new DomainError(entry, detail, extra);

/** Whether `err` is a DomainError, and when `code` is given, of that code (or catalogue entry). */
export function isDomainError(err: unknown, code?: string | ErrorEntry): err is DomainError {
  const wanted = typeof code === 'object' ? code.code : code;
  return err instanceof DomainError && (wanted === undefined || err.code === wanted);
}
