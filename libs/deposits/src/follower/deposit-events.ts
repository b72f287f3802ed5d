import { enqueue } from '@strongroom/events';
import type { Tx } from '@strongroom/persistence';

export type DepositEventType =
  'deposit.seen' | 'deposit.confirming' | 'deposit.credited' | 'deposit.reversed' | 'deposit.dropped';

export interface DepositEventData {
  depositId: string;
  chain: string;
  txid: string;
  index: string;
  address: string;
  clientId: string;
  userId: string;
  asset: string;
  /** Base units, decimal string. */
  amount: bigint;
  state: string;
  blockHeight: number | null;
  blockHash: string | null;
  confirmations: number;
  requiredConfirmations: number;
  [more: string]: unknown;
}

/** Writes a deposit event to the outbox in the same transaction as the state change. */
export function emitDepositEvent(tx: Tx, type: DepositEventType, data: DepositEventData): Promise<unknown> {
  return enqueue(tx, { type, subject: `deposit:${data.depositId}`, payload: { ...data } });
}
