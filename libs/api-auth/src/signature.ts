import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const HEADER_KEY = 'x-strongroom-key';
export const HEADER_TIMESTAMP = 'x-strongroom-timestamp';
export const HEADER_NONCE = 'x-strongroom-nonce';
export const HEADER_SIGNATURE = 'x-strongroom-signature';

/** Domain-separation label of the request-signing key (bump the version to change the scheme). */
export const SIGNING_KEY_LABEL = 'strongroom-request-v1';

export interface ApiCredentials {
  keyId: string;
  secret: string;
}

export interface SignedHeaders {
  'X-Strongroom-Key': string;
  'X-Strongroom-Timestamp': string;
  'X-Strongroom-Nonce': string;
  'X-Strongroom-Signature': string;
  [header: string]: string;
}

/**
 * The key requests are signed with: HMAC-SHA256(secret, "strongroom-request-v1"), hex.
 * The server stores only this value, never the secret, so a database leak does not reveal the
 * secret the client holds (HMAC is one-way in its key).
 */
export function signingKeyOf(secret: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(SIGNING_KEY_LABEL).digest('hex');
}

export function sha256Hex(body: string | Uint8Array | undefined): string {
  return createHash('sha256')
    .update(body ?? '')
    .digest('hex');
}

/** `METHOD\nPATH(with query)\nTIMESTAMP\nNONCE\nhex(SHA256(body))`. */
export function canonicalRequest(
  method: string,
  path: string,
  timestamp: string,
  nonce: string,
  bodySha256Hex: string,
): string {
  return `${method.toUpperCase()}\n${path}\n${timestamp}\n${nonce}\n${bodySha256Hex}`;
}

/** Hex HMAC-SHA256 of the canonical request under the (hex) signing key. */
export function signCanonical(signingKeyHex: string, canonical: string): string {
  return createHmac('sha256', Buffer.from(signingKeyHex, 'hex')).update(canonical, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex signatures; false for anything malformed. */
export function signaturesEqual(expectedHex: string, givenHex: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(givenHex) || !/^[0-9a-f]{64}$/.test(expectedHex)) return false;
  return timingSafeEqual(Buffer.from(expectedHex, 'hex'), Buffer.from(givenHex, 'hex'));
}

export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Headers that authenticate one request. `path` is the path with its query string exactly as
 * sent on the wire (e.g. `/v1/balances?asset=BTC`); `body` is the exact body text (none for GET).
 */
export function signRequest(
  creds: ApiCredentials,
  method: string,
  path: string,
  body?: string,
  now: number = Date.now(),
  nonce: string = newNonce(),
): SignedHeaders {
  const timestamp = String(Math.trunc(now));
  const signature = signCanonical(
    signingKeyOf(creds.secret),
    canonicalRequest(method, path, timestamp, nonce, sha256Hex(body)),
  );
  return {
    'X-Strongroom-Key': creds.keyId,
    'X-Strongroom-Timestamp': timestamp,
    'X-Strongroom-Nonce': nonce,
    'X-Strongroom-Signature': signature,
  };
}
