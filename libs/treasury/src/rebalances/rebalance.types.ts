import type { AssetCode } from '@strongroom/shared-types';

export type RebalanceDirection = 'hot_to_cold' | 'cold_to_hot';
/**
 * - `planned`: a hot → cold move of the excess, waiting for execution (the next slice runs it as an
 *   internal withdrawal batch to our own cold wallet).
 * - `pending_approval`: a cold → hot replenishment waiting for its quorum of distinct people.
 * - `approved`: the quorum is reached; cold signing is next.
 * - `cancelled`: the float came back inside its bounds before the move ran.
 */
export type RebalanceStatus = 'planned' | 'pending_approval' | 'approved' | 'cancelled';

export interface RebalanceApproval {
  owner: string;
  keyId: string;
  at: Date;
}

export interface Rebalance {
  id: string;
  seq: bigint;
  asset: AssetCode;
  owner: string;
  direction: RebalanceDirection;
  amount: bigint;
  reason: string;
  fromWalletId: string;
  toWalletId: string;
  status: RebalanceStatus;
  approvalsRequired: number;
  approvals: RebalanceApproval[];
  readingId: bigint;
  createdAt: Date;
  updatedAt: Date;
}
