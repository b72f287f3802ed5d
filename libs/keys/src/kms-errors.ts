import { DomainError } from '@strongroom/shared-types';
import { KeyErrors } from './keys.errors';

/** The catalogue entries of KMS failures (`kms.*`). */
export type KmsError = (typeof KeyErrors)[keyof typeof KeyErrors & `kms.${string}`];

/**
 * A KMS failure as a domain error. `extra` carries the key, the AWS error name and the number of
 * attempts made, so logs say which key and what AWS answered.
 */
export class KmsKeyError extends DomainError {
  constructor(entry: KmsError, detail: string, extra: { keyId: string; awsError?: string; attempts?: number }) {
    super(entry, detail, extra);
    this.name = 'KmsKeyError';
  }
}

/** What to do with an error from one attempt. */
export type Classified = { retry: 'throttled' | 'unavailable' } | { retry: false; error: KmsKeyError };

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

const THROTTLING = new Set([
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'SlowDown',
]);
const TRANSIENT = new Set([
  'KMSInternalException',
  'DependencyTimeoutException',
  'KeyUnavailableException',
  'InternalFailure',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'AbortError',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);
const ACCESS = new Set([
  'AccessDeniedException',
  'NotAuthorizedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationTokenException',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'CredentialsProviderError',
]);

const NETWORK_MESSAGE = /\b(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ECONNABORTED|socket hang up)\b/;

/**
 * A transport failure, possibly wrapped: the SDK reports a reset keep-alive socket as a plain
 * `Error` ("AWS SDK error wrapper for TimeoutError: read ECONNRESET"), with the original as `cause`.
 * Only errors that carry no HTTP response count, so a KMS answer is never mistaken for one.
 */
function isNetworkFailure(err: unknown): boolean {
  let e = err as (SdkErrorLike & { cause?: unknown }) | undefined;
  if (e?.$metadata?.httpStatusCode !== undefined) return false;
  for (let depth = 0; e && depth < 4; depth++, e = e.cause as typeof e) {
    if (
      (e.code !== undefined && NETWORK_CODES.has(e.code)) ||
      TRANSIENT.has(e.name ?? '') ||
      NETWORK_MESSAGE.test(e.message ?? '')
    )
      return true;
  }
  return false;
}

/** Sorts an SDK or network error into "retry it" or "this domain error, now". */
export function classifyKmsError(err: unknown, keyId: string): Classified {
  const e = (err ?? {}) as SdkErrorLike;
  const name = e.name ?? 'Error';
  const message = e.message ?? String(err);
  const status = e.$metadata?.httpStatusCode;
  if (THROTTLING.has(name) || status === 429) return { retry: 'throttled' };
  if (TRANSIENT.has(name) || isNetworkFailure(err) || (status !== undefined && status >= 500)) {
    return { retry: 'unavailable' };
  }
  const fail = (entry: KmsError, detail: string): Classified => ({
    retry: false,
    error: new KmsKeyError(entry, detail, { keyId, awsError: name }),
  });
  switch (name) {
    case 'NotFoundException':
      return fail(KeyErrors['kms.key_not_found'], `KMS key ${keyId} does not exist (${message})`);
    case 'DisabledException':
      return fail(
        KeyErrors['kms.key_disabled'],
        `KMS key ${keyId} is disabled; enable it in KMS before signing (${message})`,
      );
    case 'KMSInvalidStateException':
      return /pending ?deletion/i.test(message)
        ? fail(
            KeyErrors['kms.key_pending_deletion'],
            `KMS key ${keyId} is scheduled for deletion; cancel the deletion before signing (${message})`,
          )
        : fail(KeyErrors['kms.key_invalid_state'], `KMS key ${keyId} is not in a state that can sign (${message})`);
    case 'InvalidKeyUsageException':
    case 'UnsupportedOperationException':
      return fail(
        KeyErrors['kms.wrong_key_spec'],
        `KMS key ${keyId} is not an ECC_SECG_P256K1 SIGN_VERIFY key (${message})`,
      );
    case 'ValidationException':
    case 'SerializationException':
      return fail(KeyErrors['kms.invalid_request'], `KMS refused the request for ${keyId}: ${message}`);
  }
  if (ACCESS.has(name) || status === 403) {
    return fail(
      KeyErrors['kms.access_denied'],
      `KMS denied access to key ${keyId}; check the credentials and the key policy (${name}: ${message})`,
    );
  }
  return fail(KeyErrors['kms.unavailable'], `KMS call for key ${keyId} failed: ${name}: ${message}`);
}

/** The domain error once every attempt was used up on retryable failures. */
export function exhaustedError(
  kind: 'throttled' | 'unavailable',
  keyId: string,
  attempts: number,
  last: unknown,
): KmsKeyError {
  const name = (last as SdkErrorLike)?.name ?? 'Error';
  const message = (last as SdkErrorLike)?.message ?? String(last);
  return kind === 'throttled'
    ? new KmsKeyError(
        KeyErrors['kms.throttled'],
        `KMS kept throttling requests for key ${keyId} after ${attempts} attempts (${message})`,
        { keyId, awsError: name, attempts },
      )
    : new KmsKeyError(
        KeyErrors['kms.unavailable'],
        `KMS was unavailable for key ${keyId} after ${attempts} attempts (${name}: ${message})`,
        { keyId, awsError: name, attempts },
      );
}
