import { signRequest, type ApiCredentials } from './signature';

export interface SignedFetchOptions {
  /** Extra headers (e.g. `Idempotency-Key`); they are not part of the signature. */
  headers?: Record<string, string>;
  /** Signing time (unix ms), to exercise the replay window. */
  now?: number;
  /** Send `body` (a string) exactly as given instead of JSON-encoding it. */
  raw?: boolean;
  /** Nonce to use (to exercise replay protection); a fresh random one otherwise. */
  nonce?: string;
}

/**
 * `fetch` with a signed request: JSON-encodes `body` (unless `raw`), signs the exact path and
 * query the URL will carry on the wire, and sends it.
 */
export function signedFetch(
  baseUrl: string,
  creds: ApiCredentials,
  method: string,
  path: string,
  body?: unknown,
  options: SignedFetchOptions = {},
): Promise<Response> {
  const url = new URL(baseUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`));
  const text = body === undefined ? undefined : options.raw && typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = {
    ...(text !== undefined ? { 'Content-Type': 'application/json' } : {}),
    ...options.headers,
    ...signRequest(creds, method, url.pathname + url.search, text, options.now, options.nonce),
  };
  return fetch(url, { method: method.toUpperCase(), headers, body: text });
}
