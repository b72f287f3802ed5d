import { createHash, createHmac, randomBytes } from 'node:crypto';

/** Domain-separation label of the request-signing key; the server derives the same key. */
export const SIGNING_KEY_LABEL = 'strongroom-request-v1';

export const SIGNATURE_HEADERS = {
  key: 'X-Strongroom-Key',
  timestamp: 'X-Strongroom-Timestamp',
  nonce: 'X-Strongroom-Nonce',
  signature: 'X-Strongroom-Signature',
} as const;

/** An API key: its id (`srk_…`) and the secret shown once when it was minted. */
export interface StrongroomCredentials {
  keyId: string;
  secret: string;
}

/** What one signature covers: the request exactly as it goes on the wire. */
export interface RequestToSign {
  method: string;
  /** Path and query exactly as on the request line, e.g. `/v1/withdrawals?clientId=a&limit=10`. */
  pathWithQuery: string;
  /** The exact body bytes sent; none (or empty) for GET. */
  body?: Uint8Array | string;
  /** Unix time in milliseconds (default: now). */
  timestamp?: number;
  /** 16–128 characters of `[A-Za-z0-9._~-]`, never reused with the key (default: 32 random hex). */
  nonce?: string;
}

export type SignatureHeaders = Record<(typeof SIGNATURE_HEADERS)[keyof typeof SIGNATURE_HEADERS], string>;

/** hex HMAC-SHA256(utf8(secret), "strongroom-request-v1"): what the server stores instead of the secret. */
export function signingKeyHex(secret: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(SIGNING_KEY_LABEL).digest('hex');
}

/** `METHOD\nPATH_WITH_QUERY\nTIMESTAMP_MS\nNONCE\nhex(SHA-256(body))`. */
export function canonicalRequest(
  method: string,
  pathWithQuery: string,
  timestamp: string,
  nonce: string,
  body?: Uint8Array | string,
): string {
  const bodyHash = createHash('sha256')
    .update(body ?? '')
    .digest('hex');
  return `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${bodyHash}`;
}

export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Signs requests for one API key. It keeps only the derived signing key (the 32 bytes the
 * signature is keyed with), not the secret.
 */
export class RequestSigner {
  readonly keyId: string;
  private readonly key: Buffer;

  constructor(credentials: StrongroomCredentials) {
    if (typeof credentials?.keyId !== 'string' || credentials.keyId.length === 0)
      throw new TypeError('Strongroom credentials need a keyId');
    if (typeof credentials.secret !== 'string' || credentials.secret.length === 0)
      throw new TypeError('Strongroom credentials need a secret');
    this.keyId = credentials.keyId;
    this.key = Buffer.from(signingKeyHex(credentials.secret), 'hex');
  }

  /** The four headers that authenticate the request. */
  sign(request: RequestToSign): SignatureHeaders {
    const timestamp = String(Math.trunc(request.timestamp ?? Date.now()));
    const nonce = request.nonce ?? newNonce();
    const canonical = canonicalRequest(request.method, request.pathWithQuery, timestamp, nonce, request.body);
    return {
      [SIGNATURE_HEADERS.key]: this.keyId,
      [SIGNATURE_HEADERS.timestamp]: timestamp,
      [SIGNATURE_HEADERS.nonce]: nonce,
      [SIGNATURE_HEADERS.signature]: createHmac('sha256', this.key).update(canonical, 'utf8').digest('hex'),
    };
  }
}

/** One-off form of `new RequestSigner(credentials).sign(request)`. */
export function signRequest(credentials: StrongroomCredentials, request: RequestToSign): SignatureHeaders {
  return new RequestSigner(credentials).sign(request);
}
