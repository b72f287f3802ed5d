/**
 * A failure the caller can act on. `code` is stable and documented (clients switch on it);
 * `status` is the HTTP status the API answers with; `detail` is for humans.
 * Rendered as RFC 9457 problem+json by libs/shared/http.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(`${code}: ${detail}`);
    this.name = 'DomainError';
  }
}

export const badRequest = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new DomainError(code, 400, detail, extra);
export const notFound = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new DomainError(code, 404, detail, extra);
export const conflict = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new DomainError(code, 409, detail, extra);
export const unprocessable = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new DomainError(code, 422, detail, extra);

export function isDomainError(err: unknown, code?: string): err is DomainError {
  return err instanceof DomainError && (code === undefined || err.code === code);
}
