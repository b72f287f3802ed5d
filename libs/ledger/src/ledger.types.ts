import type { AssetCode } from '@strongroom/shared-types';
import type { Tx } from '@strongroom/persistence';

/**
 * The ledger's public contract (TigerBeetle's model on PostgreSQL). Other bounded
 * contexts use only this, through LedgerService — never the ledger's tables.
 */

/** What an account stands for. User accounts are liabilities; custody accounts are assets. */
export type AccountKind =
  | 'user' // a client's user balance: credit-normal, debits_must_not_exceed_credits
  | 'custody' // what the custody wallets hold on chain: debit-normal, credits_must_not_exceed_debits
  | 'in_flight' // withdrawals signed/broadcast but not yet settled (clearing)
  | 'fee_expense' // network fees paid by the operator
  | 'fee_revenue' // withdrawal fees charged to users
  | 'incident' // reversals and reconciliation differences awaiting resolution
  | 'equity'; // operator capital / adjustments

export interface AccountFlags {
  debitsMustNotExceedCredits?: boolean;
  creditsMustNotExceedDebits?: boolean;
  closed?: boolean;
}

export interface OpenAccountInput {
  /** The exchange client (tenant) the account belongs to; `operator` for house accounts. */
  clientId: string;
  /** The user id within the client, or a wallet/house name for non-user kinds. */
  ownerId: string;
  asset: AssetCode;
  kind: AccountKind;
  /** Defaults from the kind (user → debitsMustNotExceedCredits; custody → creditsMustNotExceedDebits). */
  flags?: AccountFlags;
}

export interface Balances {
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
}

export interface Account extends Balances {
  id: string;
  clientId: string;
  ownerId: string;
  asset: AssetCode;
  kind: AccountKind;
  flags: Required<AccountFlags>;
  createdAt: Date;
}

export type TransferFlag =
  'pending' | 'post_pending' | 'void_pending' | 'linked' | 'balancing_debit' | 'balancing_credit';

export interface TransferInput {
  /** Client-chosen idempotency id, [A-Za-z0-9._:/-]{1,160}: e.g. `deposit:bitcoin:<txid>:<vout>`. */
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  /** Base units, > 0. For post_pending: the amount to post (≤ pending; omitted = all). For void: omitted. */
  amount?: bigint;
  flags?: TransferFlag[];
  /** For post_pending / void_pending: the pending transfer's id. */
  pendingId?: string;
  /** For pending: seconds after which it voids by itself (0/absent = never). */
  timeoutSeconds?: number;
  /** A short machine code of why (deposit, withdrawal_hold, withdrawal_settle, fee, reversal, …). */
  code?: string;
  /** Free-form, small, stored as JSON (references to deposits, withdrawals, incidents). */
  metadata?: Record<string, unknown>;
}

export interface Transfer {
  id: string;
  /**
   * Global, gap-free order of commitment (stamped just after commit); balances can be read as of
   * any sequence. 0 in the result of a write made inside a caller's transaction: the transfer
   * takes its place once that transaction commits (read it back with getTransfer).
   */
  sequence: bigint;
  debitAccountId: string;
  creditAccountId: string;
  asset: AssetCode;
  amount: bigint;
  flags: TransferFlag[];
  pendingId: string | null;
  timeoutAt: Date | null;
  /** For pending transfers: 'pending' | 'posted' | 'voided' | 'expired'; null otherwise. */
  pendingState: 'pending' | 'posted' | 'voided' | 'expired' | null;
  code: string | null;
  metadata: Record<string, unknown>;
  /** When it was written (a pending's timeout counts from here); not monotone in sequence. */
  createdAt: Date;
}

/** Per-transfer outcome of a batch: the committed transfer, or why it was refused. */
export type TransferResult =
  | {
      id: string;
      ok: true;
      transfer: Transfer;
      /** true when this id already existed with the same body */ replayed: boolean;
    }
  | { id: string; ok: false; code: string; detail: string };

export interface AsOf {
  /** Read balances including every transfer with sequence ≤ this. */
  sequence?: bigint;
  /** Read balances as of the longest prefix of the sequence whose transfers were all written by this time. */
  timestamp?: Date;
}

export interface InvariantReport {
  ok: boolean;
  checkedAt: Date;
  /** Highest stamped sequence (the checks also cover committed transfers not stamped yet). */
  sequence: bigint;
  perAsset: {
    asset: AssetCode;
    debitsPending: bigint;
    creditsPending: bigint;
    debitsPosted: bigint;
    creditsPosted: bigint;
    balanced: boolean;
  }[];
  /** Accounts whose row balances break their flags or differ from the sum of their transfers. */
  violations: { accountId: string; rule: string; detail: string }[];
}

/**
 * The ledger service. Every write method accepts an optional `tx` so another context can make
 * its own state change and the ledger transfer commit together, in one transaction.
 */
export interface LedgerApi {
  openAccount(input: OpenAccountInput, tx?: Tx): Promise<Account>;
  getAccount(id: string, tx?: Tx): Promise<Account>;
  findAccount(
    q: { clientId: string; ownerId: string; asset: AssetCode; kind: AccountKind },
    tx?: Tx,
  ): Promise<Account | null>;
  /** Current balances (one row read), or as of a sequence/time (summed from transfers). */
  balances(accountId: string, asOf?: AsOf, tx?: Tx): Promise<Balances & { sequence: bigint }>;
  /**
   * Commits a batch in one database transaction. Each transfer succeeds or fails on its own,
   * except that a chain of `linked` transfers (each flagged `linked` but the last) all succeed or
   * all fail. Never throws for a business refusal: read the results.
   */
  createTransfers(batch: TransferInput[], tx?: Tx): Promise<TransferResult[]>;
  /** Like createTransfers for one transfer, throwing a DomainError with the refusal's code. */
  transfer(input: TransferInput, tx?: Tx): Promise<Transfer>;
  getTransfer(id: string, tx?: Tx): Promise<Transfer>;
  /** Voids pending transfers whose timeout has passed; returns how many. */
  expirePending(now?: Date): Promise<number>;
  checkInvariants(): Promise<InvariantReport>;
}
