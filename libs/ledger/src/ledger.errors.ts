import { AmountErrors, DomainError, defineErrors, type ErrorEntry } from '@strongroom/shared-types';

/**
 * Every refusal the ledger can give. The codes are stable: clients switch on them. A refusal in
 * a batch is a result (`ok: false` with its code), a single transfer throws it.
 */
export const LedgerErrors = defineErrors('ledger', {
  'transfer.id_invalid': { status: 400, title: 'Transfer id malformed', description: '[A-Za-z0-9._:/-]{1,160}.' },
  'transfer.id_conflict': {
    status: 409,
    title: 'Transfer id reused with another body',
    description: 'Retrying the same body replays the first result; a different body under the same id is refused.',
  },
  'transfer.flags_invalid': { status: 400, title: 'Transfer flags unknown, repeated or exclusive' },
  'transfer.accounts_same': { status: 400, title: 'Debit and credit account are the same' },
  'transfer.timeout_invalid': { status: 400, title: 'Timeout invalid or on a non-pending transfer' },
  'transfer.code_invalid': { status: 400, title: 'Transfer code malformed', description: '[a-z0-9_.:-]{1,64}.' },
  'transfer.metadata_invalid': { status: 400, title: 'Metadata is not plain JSON text' },
  'transfer.metadata_too_deep': { status: 400, title: 'Metadata nests too deep' },
  'transfer.metadata_too_large': { status: 400, title: 'Metadata too large' },
  'transfer.linked_chain_open': {
    status: 400,
    title: 'Linked chain left open',
    description: 'The last transfer of a batch, or a single transfer, cannot be linked.',
  },
  'transfer.linked_failed': {
    status: 422,
    title: 'Another transfer of the linked chain was refused',
    description: 'A linked chain commits whole or not at all.',
  },
  'transfer.asset_mismatch': { status: 422, title: 'Accounts are in different assets' },
  'transfer.overflow': { status: 422, title: 'Balance would exceed numeric(78,0)' },
  'transfer.batch_invalid': { status: 400, title: 'Batch is not an array or is too long' },
  'transfer.not_found': { status: 404, title: 'No such transfer (or not visible to this key)' },
  'transfer.system_account': { status: 403, title: 'The API moves value between user accounts only' },
  'transfer.cross_client': { status: 403, title: 'Accounts belong to different clients' },
  'transfer.debit_unbounded': { status: 403, title: 'The debited account can go negative' },
  'account.invalid': { status: 400, title: 'Account id, asset or kind malformed' },
  'account.flags_invalid': { status: 400, title: 'Account flags are exclusive' },
  'account.exists': { status: 409, title: 'Account exists with other flags' },
  'account.not_found': { status: 404, title: 'No such account (or not visible to this key)' },
  'account.closed': { status: 422, title: 'Account closed' },
  'account.debits_exceed_credits': {
    status: 422,
    title: 'Insufficient funds',
    description: 'The debit would take an account that must not go negative below zero.',
  },
  'account.credits_exceed_debits': { status: 422, title: 'Credit would exceed the account’s debits' },
  'account.kind_forbidden': { status: 403, title: 'Only user accounts are opened over the API' },
  'account.flags_forbidden': { status: 403, title: 'A user account opened over the API has the default flags' },
  'pending.id_required': { status: 400, title: 'post_pending/void_pending need pendingId' },
  'pending.not_found': { status: 404, title: 'No such pending transfer (or it has not timed out)' },
  'pending.not_pending': { status: 422, title: 'The referenced transfer is not pending' },
  'pending.already_resolved': { status: 409, title: 'Pending transfer already posted, voided or expired' },
  'pending.expired': { status: 409, title: 'Pending transfer expired' },
  'pending.amount_exceeds': { status: 422, title: 'Posting more than the pending amount' },
  'pending.amount_mismatch': { status: 422, title: 'A void releases the whole pending amount' },
  'pending.accounts_mismatch': { status: 422, title: 'Accounts differ from the pending transfer’s' },
  'balance.as_of_invalid': { status: 400, title: 'asOf or asOfSequence malformed' },
  'balance.as_of_future': { status: 422, title: 'asOf or asOfSequence is in the future' },
  'correction.invalid': { status: 400, title: 'Correction reason missing or malformed' },
  'correction.sides_invalid': {
    status: 422,
    title: 'A correction moves value between an adjustment and a corrected account',
  },
  'correction.account_not_found': { status: 422, title: 'A side of the correction does not exist' },
  'correction.asset_mismatch': { status: 422, title: 'A side of the correction is in another asset' },
});

/** The amount refusals the ledger gives, defined once for every API in the amounts catalogue. */
const LEDGER_AMOUNT_ERRORS = {
  'amount.required': AmountErrors['amount.required'],
  'amount.not_positive': AmountErrors['amount.not_positive'],
  'amount.too_large': AmountErrors['amount.too_large'],
} as const;

export type LedgerRefusalCode = keyof typeof LedgerErrors | keyof typeof LEDGER_AMOUNT_ERRORS;
export type LedgerRefusal = ErrorEntry<LedgerRefusalCode>;

const REFUSALS: Record<string, ErrorEntry> = { ...LedgerErrors, ...LEDGER_AMOUNT_ERRORS };

/** The error of a refusal, by entry or by the code a batch result carries. */
export function refusalError(refusal: LedgerRefusal | string, detail: string, extra: Record<string, unknown> = {}) {
  const entry = typeof refusal === 'string' ? REFUSALS[refusal] : refusal;
  // A code from a result is always catalogued; 422 keeps an unforeseen one a client error.
  return entry ? new DomainError(entry, detail, extra) : new DomainError(String(refusal), 422, detail, extra);
}

/** Thrown inside a transaction when a concurrent commit invalidated what was checked: retry it. */
export class RetryBatch extends Error {
  constructor(reason: string) {
    super(`ledger batch must be retried: ${reason}`);
    this.name = 'RetryBatch';
  }
}
