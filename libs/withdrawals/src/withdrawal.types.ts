import type { AssetCode, ChainId } from '@strongroom/shared-types';

/** The persisted state machine (libs/withdrawals/README.md draws it). */
export type WithdrawalStatus =
  | 'requested'
  | 'held'
  | 'awaiting_approval'
  | 'approved'
  | 'batched'
  | 'signing'
  | 'signed'
  | 'broadcast'
  | 'confirmed'
  | 'settled'
  | 'rejected'
  | 'cancelled'
  | 'failed';

export const WITHDRAWAL_STATUSES: readonly WithdrawalStatus[] = [
  'requested',
  'held',
  'awaiting_approval',
  'approved',
  'batched',
  'signing',
  'signed',
  'broadcast',
  'confirmed',
  'settled',
  'rejected',
  'cancelled',
  'failed',
];

/** Which moves are legal; anything else is a bug and is refused by `transition`. */
export const NEXT: Record<WithdrawalStatus, readonly WithdrawalStatus[]> = {
  requested: ['held', 'rejected'],
  held: ['awaiting_approval', 'approved', 'cancelled', 'rejected'],
  awaiting_approval: ['approved', 'rejected', 'cancelled'],
  approved: ['batched', 'cancelled'],
  batched: ['signing', 'cancelled', 'failed'],
  signing: ['signed', 'failed'],
  signed: ['broadcast', 'failed'],
  broadcast: ['confirmed', 'failed'],
  confirmed: ['settled'],
  settled: [],
  rejected: [],
  cancelled: [],
  failed: [],
};

/** States before any signature exists: the exchange may still cancel. */
export const CANCELLABLE: readonly WithdrawalStatus[] = ['held', 'awaiting_approval', 'approved', 'batched'];

export type BatchStatus =
  'batched' | 'signing' | 'signed' | 'broadcast' | 'confirmed' | 'settled' | 'failed' | 'cancelled';

export interface Withdrawal {
  id: string;
  clientId: string;
  userId: string;
  asset: AssetCode;
  chain: ChainId;
  /** Base units (satoshi, wei, token units), digits only: the form the request took. */
  amount: string;
  /** The withdrawal fee the policy charged, base units, on top of `amount`. */
  fee: string;
  /** For people only, never accepted as input: the amounts in asset units with the code ("0.4 BTC"). */
  display: { amount: string; fee: string };
  destination: string;
  memo: string | null;
  reference: string | null;
  status: WithdrawalStatus;
  approvalsRequired: number;
  approvals: {
    approver: string;
    approverOwner: string;
    decision: 'approve' | 'reject';
    reason: string | null;
    at: string;
  }[];
  rule: string | null;
  reason: string | null;
  batchId: string | null;
  txid: string | null;
  requestedBy: string;
  /** The owner of the requesting key (approvals by the same owner do not count). */
  requesterOwner: string;
  createdAt: string;
  updatedAt: string;
  history?: { from: WithdrawalStatus | null; to: WithdrawalStatus; actor: string; rule: string | null; at: string }[];
}

/**
 * An authenticated caller, as `@strongroom/api-auth` describes it (a `Principal` is one). In-process
 * callers (tests, tools) may leave out `owner` (then the key is its own owner) and `clients` (then
 * they act for every client); every HTTP caller is a Principal carrying both.
 */
export interface Actor {
  keyId: string;
  name?: string;
  role?: string;
  owner?: string;
  clients?: readonly string[] | 'all';
}

/** The accountable person behind a key: approvals count owners, not keys. */
export const ownerOf = (a: Pick<Actor, 'keyId' | 'owner'>): string => a.owner ?? a.keyId;
/** The client scope of a caller, for `assertClientScope` / `inClientScope`. */
export const scopeOf = (a: Actor): { keyId: string; clients: readonly string[] | 'all' } => ({
  keyId: a.keyId,
  clients: a.clients ?? 'all',
});

/**
 * The viewer's clients as a JSON array for `client_id IN (SELECT jsonb_array_elements_text($n::jsonb))`,
 * or null when it sees every client (or there is no viewer): lists filter in SQL, so a page is full.
 */
export const scopedClientsParam = (viewer?: Actor): string | null => {
  const clients = viewer ? scopeOf(viewer).clients : 'all';
  return clients === 'all' ? null : JSON.stringify(clients);
};

export const SYSTEM_ACTOR = 'system:withdrawal-pipeline';
