import type { AssetCode, ChainId } from '@strongroom/shared-types';

/** One user's balance of one asset at the cut. */
export interface UserBalance {
  clientId: string;
  userId: string;
  asset: AssetCode;
  /** What the exchange owes the user: posted credits − posted debits (holds still owed). */
  balance: bigint;
}

export type BalanceKey = Pick<UserBalance, 'clientId' | 'userId' | 'asset'>;

/**
 * What compliance needs from the ledger (implemented by LedgerService): a stable cut point and
 * user balances as of it. The ledger's sequence is in commit order, so the balances as of a
 * sequence never change once it has been read — a snapshot can be read in short pages without
 * holding a long transaction open and without blocking writers.
 */
export interface LedgerCut {
  currentSequence(): Promise<bigint>;
  /**
   * A page of user balances as of `sequence`, scanning user accounts in account-id order after
   * `afterAccountId`. Zero balances are omitted; `next` is where the scan stopped (null at the end),
   * so a page may hold fewer rows than `limit` without meaning the end.
   */
  userBalancesAsOf(
    sequence: bigint,
    afterAccountId: string | null,
    limit: number,
  ): Promise<{ rows: UserBalance[]; next: string | null }>;
  /** The sequence in force at a time (the last transfer committed at or before it). */
  sequenceAt(time: Date): Promise<bigint>;
  /** One user's balances as of a sequence. */
  balancesOfUser(clientId: string, userId: string, sequence: bigint): Promise<UserBalance[]>;
  /** House accounts (custody, in_flight, fees, incident, equity) as of a sequence, with net debit balance. */
  houseAccountsAsOf(sequence: bigint): Promise<HouseAccount[]>;
}

export interface HouseAccount {
  accountId: string;
  clientId: string;
  ownerId: string;
  asset: AssetCode;
  kind: string;
  /** debits_posted − credits_posted (an asset account's natural sign). */
  netDebit: bigint;
}

/** What one custody address (or UTXO, or Safe) holds on chain at a height. */
export interface ChainHolding {
  address: string;
  amount: bigint;
  /** Which wallet / client it belongs to (segregation). */
  walletId: string;
  clientId: string | null;
}

/** Reads on-chain custody holdings of an asset at the snapshot's tip of its chain. */
export interface ChainHoldings {
  holdings(asset: AssetCode, tip: ChainTip): Promise<ChainHolding[]>;
}

/**
 * Chain movements the ledger has not booked yet at the cut: deposits already on chain at the
 * snapshot height but not credited (still confirming), and withdrawals already mined at that
 * height whose holds are not yet settled.
 */
export interface UnbookedMovements {
  unbooked(
    asset: AssetCode,
    tip: ChainTip,
    sequence: bigint,
  ): Promise<{ incoming: bigint; outgoing: bigint; refs: string[] }>;
}

export interface ChainTip {
  chain: ChainId;
  height: number;
  hash: string;
}

/** The tip of each followed chain, recorded with a snapshot. */
export interface ChainTips {
  tips(): Promise<ChainTip[]>;
}

export const LEDGER_CUT = Symbol('LEDGER_CUT');
export const CHAIN_TIPS = Symbol('CHAIN_TIPS');
export const PRICE_SOURCE = Symbol('PRICE_SOURCE');
export const CHAIN_HOLDINGS = Symbol('CHAIN_HOLDINGS');
export const UNBOOKED = Symbol('UNBOOKED');
