import { DomainError } from '@strongroom/shared-types';

/**
 * Every refusal the ledger can give, with its HTTP status. The codes are stable: clients switch
 * on them. A refusal in a batch is a result (`ok: false`), a single transfer throws it.
 */
export const LEDGER_REFUSALS = {
  'transfer.id_invalid': 400,
  'transfer.id_conflict': 409,
  'transfer.flags_invalid': 400,
  'transfer.accounts_same': 400,
  'transfer.timeout_invalid': 400,
  'transfer.code_invalid': 400,
  'transfer.metadata_invalid': 400,
  'transfer.metadata_too_deep': 400,
  'transfer.metadata_too_large': 400,
  'transfer.linked_chain_open': 400,
  'transfer.linked_failed': 422,
  'transfer.asset_mismatch': 422,
  'transfer.overflow': 422,
  'transfer.batch_invalid': 400,
  'amount.required': 400,
  'amount.not_positive': 400,
  'amount.too_large': 400,
  'account.not_found': 404,
  'account.closed': 422,
  'account.debits_exceed_credits': 422,
  'account.credits_exceed_debits': 422,
  'pending.id_required': 400,
  'pending.not_found': 404,
  'pending.not_pending': 422,
  'pending.already_resolved': 409,
  'pending.expired': 409,
  'pending.amount_exceeds': 422,
  'pending.amount_mismatch': 422,
  'pending.accounts_mismatch': 422,
} as const;

export type LedgerRefusalCode = keyof typeof LEDGER_REFUSALS;

export function refusalError(code: string, detail: string, extra: Record<string, unknown> = {}): DomainError {
  const status = (LEDGER_REFUSALS as Record<string, number>)[code] ?? 422;
  return new DomainError(code, status, detail, extra);
}

/** Thrown inside a transaction when a concurrent commit invalidated what was checked: retry it. */
export class RetryBatch extends Error {
  constructor(reason: string) {
    super(`ledger batch must be retried: ${reason}`);
    this.name = 'RetryBatch';
  }
}
