import { ChainErrors } from '@strongroom/chains-core';
import { DomainError, isDomainError } from '@strongroom/shared-types';

/**
 * Whether the adapter refused to build a batch for a reason no retry changes: a 4xx DomainError
 * about the batch's own content — one of its outputs (`extra.ref`: an asset the adapter has no
 * token for, a refused address, dust, the wrong asset) or the wallet stored with it (no Safe).
 * Anything else depends on the chain or the moment (RPC down, custody short of funds, a fee
 * estimate out of bounds) and is retried.
 */
export function refusesBatchForGood(err: unknown): err is DomainError {
  if (!(err instanceof DomainError) || err.status < 400 || err.status >= 500) return false;
  return typeof err.extra.ref === 'string' || isDomainError(err, ChainErrors['wallet.no_safe']);
}

/** The adapter's refusal, naming the batch so the signer can fail it (as an intent mismatch is). */
export class UnbuildableBatch extends DomainError {
  constructor(
    readonly batchId: string,
    cause: DomainError,
  ) {
    super(cause.code, cause.status, cause.detail, { ...cause.extra, batchId });
    this.name = 'UnbuildableBatch';
  }
}
