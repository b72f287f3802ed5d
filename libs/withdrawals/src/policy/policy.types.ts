import type { AssetCode } from '@strongroom/shared-types';

/** A policy row: for one asset, either the asset default (clientId '*') or one client's override. */
export interface Policy {
  asset: AssetCode;
  clientId: string;
  /** Base units; null = no limit. */
  maxAmount: bigint | null;
  userDailyLimit: bigint | null;
  clientDailyLimit: bigint | null;
  /** Normalised destination addresses; null = any valid address. */
  allowlist: string[] | null;
  /** Withdrawals above this amount need approvals; null = never. */
  approvalThreshold: bigint | null;
  approvalsRequired: number;
  breakerWindowSeconds: number | null;
  breakerLimit: bigint | null;
  /** Charged to the user on top of the amount, booked to fee revenue at settlement. */
  withdrawalFee: bigint;
  version: number;
  updatedBy: string;
  updatedAt: Date;
}

/** One entry of the policy change log: the policy before (null for its first version) and after, in its JSON form. */
export interface PolicyChange {
  id: string;
  asset: AssetCode;
  clientId: string;
  version: number;
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
  changedBy: string;
  changedAt: string;
}

/** The rules a decision can cite (stored in `transitions.rule`). */
export type PolicyRule =
  | 'no_policy'
  | 'circuit_breaker'
  | 'max_amount'
  | 'allowlist'
  | 'velocity_user'
  | 'velocity_client'
  | 'approval_threshold'
  | 'auto_approve';

export type PolicyDecision =
  | { outcome: 'deny'; rule: PolicyRule; code: string; detail: string; tripBreaker?: boolean }
  | { outcome: 'await_approval'; rule: 'approval_threshold'; approvalsRequired: number }
  | { outcome: 'approve'; rule: 'auto_approve' };

export interface PolicyFacts {
  amount: bigint;
  destination: string;
  /** Sum of this user's live withdrawals of the asset over the last 24 h (excluding this one). */
  userOutflow24h: bigint;
  clientOutflow24h: bigint;
  /** Sum of all live withdrawals of the asset over the breaker window (excluding this one). */
  windowOutflow: bigint;
  paused: boolean;
}
