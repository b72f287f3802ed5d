import type { Account, AccountKind, Transfer } from './ledger.types';
import type { KnownTransfer, PendingState } from './transfer-planner';
import { decodeFlags } from './transfer-flags';

/** Rows as both back ends return them: numeric and int8 as strings. */
export interface AccountRow {
  id: string;
  client_id: string;
  owner_id: string;
  asset: string;
  kind: string;
  debits_must_not_exceed_credits: boolean;
  credits_must_not_exceed_debits: boolean;
  closed: boolean;
  debits_pending: string;
  debits_posted: string;
  credits_pending: string;
  credits_posted: string;
  created_at: Date | string;
}

export interface TransferRow {
  id: string;
  ticket: string;
  ord: number | string;
  /** The batch's stamp; null while the sequencer has not reached it. */
  first_sequence: string | null;
  debit_account_id: string;
  credit_account_id: string;
  asset: string;
  amount: string;
  flags: number | string;
  pending_id: string | null;
  timeout_at: Date | string | null;
  code: string | null;
  metadata: Record<string, unknown> | string | null;
  body_hash: string;
  /** When the transfer was written (its pending timeout counts from here). */
  created_at: Date | string;
  state: PendingState | null;
}

export const TRANSFER_COLUMNS =
  't.id, t.ticket::text AS ticket, t.ord, b.first_sequence::text AS first_sequence, t.debit_account_id, t.credit_account_id, t.asset, t.amount, t.flags, t.pending_id, t.timeout_at, t.code, t.metadata, t.body_hash, t.created_at, p.state';
/** Transfers with their batch's stamp and their pending state, for TRANSFER_COLUMNS. */
export const TRANSFER_FROM =
  'ledger.transfers t JOIN ledger.batches b ON b.ticket = t.ticket LEFT JOIN ledger.pending_states p ON p.pending_id = t.id';

export function toAccount(r: AccountRow): Account {
  return {
    id: r.id,
    clientId: r.client_id,
    ownerId: r.owner_id,
    asset: r.asset,
    kind: r.kind as AccountKind,
    flags: {
      debitsMustNotExceedCredits: r.debits_must_not_exceed_credits,
      creditsMustNotExceedDebits: r.credits_must_not_exceed_debits,
      closed: r.closed,
    },
    debitsPending: BigInt(r.debits_pending),
    debitsPosted: BigInt(r.debits_posted),
    creditsPending: BigInt(r.credits_pending),
    creditsPosted: BigInt(r.credits_posted),
    createdAt: new Date(r.created_at),
  };
}

export function toKnownTransfer(r: TransferRow): KnownTransfer {
  const metadata =
    typeof r.metadata === 'string' ? (JSON.parse(r.metadata) as Record<string, unknown>) : (r.metadata ?? {});
  const stamped = r.first_sequence !== null;
  const ord = Number(r.ord);
  return {
    id: r.id,
    sequence: stamped ? BigInt(r.first_sequence as string) + BigInt(ord) - 1n : 0n,
    debitAccountId: r.debit_account_id,
    creditAccountId: r.credit_account_id,
    asset: r.asset,
    amount: BigInt(r.amount),
    flags: decodeFlags(Number(r.flags)),
    pendingId: r.pending_id,
    timeoutAt: r.timeout_at === null ? null : new Date(r.timeout_at),
    pendingState: r.state ?? null,
    code: r.code,
    metadata,
    createdAt: new Date(r.created_at),
    bodyHash: r.body_hash,
    ...(stamped ? {} : { place: { ticket: BigInt(r.ticket), ord } }),
  };
}

/** The public view of a transfer (no body hash, no place). */
export function publicTransfer(t: KnownTransfer | Transfer): Transfer {
  const { bodyHash: _bodyHash, place: _place, ...rest } = t as KnownTransfer;
  return rest;
}
