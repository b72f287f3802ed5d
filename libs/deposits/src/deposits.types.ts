import type { AssetCode, ChainId } from '@strongroom/shared-types';

/**
 * seen: in the mempool, unconfirmed. confirming: in a block, not deep enough yet.
 * credited: the ledger transfer is posted. dropped: never credited, and gone — a reorg removed
 * its block, or its transaction vanished (neither in the mempool nor on chain for the bound);
 * seen or mined again, it leaves `dropped` like any sighting.
 * reversed: a reorg removed it after crediting; a correcting transfer and an incident exist.
 */
export type DepositState = 'seen' | 'confirming' | 'credited' | 'dropped' | 'reversed';
export const DEPOSIT_STATES: readonly DepositState[] = ['seen', 'confirming', 'credited', 'dropped', 'reversed'];

export interface Deposit {
  /** `<chain>:<txid>:<index>` — the deposit's identity. */
  id: string;
  chain: ChainId;
  txid: string;
  index: string;
  address: string;
  clientId: string;
  userId: string;
  asset: AssetCode;
  amount: bigint;
  state: DepositState;
  blockHeight: number | null;
  blockHash: string | null;
  confirmations: number;
  requiredConfirmations: number;
  /** True while a reorg has taken its block away and the follower has not decided yet. */
  orphaned: boolean;
  credits: number;
  reversals: number;
  firstSeenAt: Date;
  updatedAt: Date;
  creditedAt: Date | null;
  reversedAt: Date | null;
  /** Set while `dropped`: when, and why (`reorged`: its block left the chain; `vanished`: its transaction was gone). */
  droppedAt: Date | null;
  dropReason: 'reorged' | 'vanished' | null;
  /** Position in the deposit log; pass as `after` to page on. */
  seq: string;
}

export interface DepositAddress {
  id: string;
  chain: ChainId;
  asset: AssetCode;
  clientId: string;
  userId: string;
  index: number;
  walletId: string;
  /** The derivation tag `<clientId>/<userId>/<asset>/<index>` handed to the chain adapter. */
  tag: string;
  address: string;
  /** Bitcoin: scriptPubKey (hex); Ethereum: the CREATE2 salt. */
  locator: string;
  /** Bitcoin: the witness script; Ethereum: the init code hash. */
  derivation: string;
  createdAt: Date;
}

export interface Incident {
  id: string;
  kind: 'credited_deposit_reorged';
  chain: ChainId;
  depositId: string;
  clientId: string;
  userId: string;
  asset: AssetCode;
  amount: bigint;
  /** Taken back from the user's balance. */
  recovered: bigint;
  /** What the user's balance could not cover, booked to the client's incident account. */
  shortfall: bigint;
  detail: Record<string, unknown>;
  createdAt: Date;
  resolvedAt: Date | null;
}

/** A custody wallet as this context keeps it: public data registered by the key ceremony. */
export interface CustodyWalletRecord {
  id: string;
  chain: ChainId;
  /** null = the shared operator wallet; otherwise the client whose holdings are segregated. */
  clientId: string | null;
  threshold: number;
  publicKeys: string[];
  safeAddress?: string;
  relayerAddress?: string;
}

export const depositId = (chain: string, txid: string, index: string): string => `${chain}:${txid}:${index}`;
export const OPERATOR_CLIENT = 'operator';
