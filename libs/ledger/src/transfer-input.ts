import { MAX_AMOUNT } from '@strongroom/shared-types';
import { AmountErrors } from '@strongroom/shared-types';
import { LedgerErrors, type LedgerRefusal, type LedgerRefusalCode } from './ledger.errors';
import type { TransferInput } from './ledger.types';
import { isTransferFlag } from './transfer-flags';
import { checkMetadata } from './metadata-check';

export const TRANSFER_ID = /^[A-Za-z0-9._:/-]{1,160}$/;
export const TRANSFER_CODE = /^[a-z0-9_.:-]{1,64}$/;
export { MAX_METADATA_BYTES, MAX_METADATA_DEPTH } from './metadata-check';
/** Ten years: a longer hold is a mistake, not a hold. */
export const MAX_TIMEOUT_SECONDS = 10 * 365 * 24 * 3600;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Refusal {
  code: LedgerRefusalCode;
  detail: string;
}

const refuse = (refusal: LedgerRefusal, detail: string): Refusal => ({ code: refusal.code, detail });

/** Checks what can be checked without the database. Returns the first refusal, or null. */
export function checkTransferInput(t: TransferInput): Refusal | null {
  if (typeof t.id !== 'string' || !TRANSFER_ID.test(t.id))
    return refuse(LedgerErrors['transfer.id_invalid'], 'id must match [A-Za-z0-9._:/-]{1,160}');
  const flags = t.flags ?? [];
  if (!Array.isArray(flags) || !flags.every(isTransferFlag))
    return refuse(LedgerErrors['transfer.flags_invalid'], 'unknown transfer flag');
  if (new Set(flags).size !== flags.length) return refuse(LedgerErrors['transfer.flags_invalid'], 'a flag is repeated');
  const has = (f: string) => (flags as string[]).includes(f);
  const resolving = has('post_pending') || has('void_pending');
  if (has('post_pending') && has('void_pending'))
    return refuse(LedgerErrors['transfer.flags_invalid'], 'post_pending and void_pending are exclusive');
  if (resolving && has('pending'))
    return refuse(
      LedgerErrors['transfer.flags_invalid'],
      'a transfer cannot both be pending and resolve a pending one',
    );
  if (resolving && (has('balancing_debit') || has('balancing_credit'))) {
    return refuse(LedgerErrors['transfer.flags_invalid'], 'balancing flags do not apply to post_pending/void_pending');
  }
  if (t.timeoutSeconds !== undefined && t.timeoutSeconds !== 0) {
    if (!has('pending'))
      return refuse(LedgerErrors['transfer.timeout_invalid'], 'timeoutSeconds applies to pending transfers only');
    if (!Number.isSafeInteger(t.timeoutSeconds) || t.timeoutSeconds < 0 || t.timeoutSeconds > MAX_TIMEOUT_SECONDS) {
      return refuse(
        LedgerErrors['transfer.timeout_invalid'],
        `timeoutSeconds must be an integer between 0 and ${MAX_TIMEOUT_SECONDS}`,
      );
    }
  }
  if (t.amount !== undefined) {
    if (typeof t.amount !== 'bigint')
      return refuse(AmountErrors['amount.required'], 'amount must be a bigint of base units');
    if (t.amount <= 0n) return refuse(AmountErrors['amount.not_positive'], 'amount must be greater than zero');
    if (t.amount > MAX_AMOUNT) return refuse(AmountErrors['amount.too_large'], 'amount exceeds 2^256-1');
  }
  if (resolving) {
    if (typeof t.pendingId !== 'string' || t.pendingId === '')
      return refuse(LedgerErrors['pending.id_required'], 'post_pending/void_pending need pendingId');
    if (!TRANSFER_ID.test(t.pendingId))
      return refuse(LedgerErrors['pending.not_found'], `no pending transfer ${t.pendingId}`);
  } else {
    if (t.pendingId !== undefined && t.pendingId !== null)
      return refuse(LedgerErrors['transfer.flags_invalid'], 'pendingId is only for post_pending/void_pending');
    if (t.amount === undefined) return refuse(AmountErrors['amount.required'], 'amount is required');
    if (
      typeof t.debitAccountId !== 'string' ||
      typeof t.creditAccountId !== 'string' ||
      !t.debitAccountId ||
      !t.creditAccountId
    ) {
      return refuse(LedgerErrors['account.not_found'], 'debitAccountId and creditAccountId are required');
    }
  }
  if (t.debitAccountId && t.debitAccountId === t.creditAccountId)
    return refuse(LedgerErrors['transfer.accounts_same'], 'debit and credit accounts must differ');
  if (t.code !== undefined && t.code !== null && (typeof t.code !== 'string' || !TRANSFER_CODE.test(t.code))) {
    return refuse(LedgerErrors['transfer.code_invalid'], 'code must match [a-z0-9_.:-]{1,64}');
  }
  if (t.metadata !== undefined) {
    const bad = checkMetadata(t.metadata);
    if (bad) return bad;
  }
  return null;
}
