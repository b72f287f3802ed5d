import { displayAmount } from '@strongroom/shared-types';
import type { AssetRegistry } from '@strongroom/shared-assets';
import type { SeqPage } from './seq-page';
import type { Withdrawal, WithdrawalStatus } from './withdrawal.types';

export interface WithdrawalRow {
  id: string;
  seq: string;
  client_id: string;
  user_id: string;
  asset: string;
  chain: string;
  amount: string;
  fee: string;
  destination: string;
  memo: string | null;
  reference: string | null;
  requested_by: string;
  /** Null on rows from before owners were recorded: the key is then its own owner. */
  requester_owner: string | null;
  idempotency_key: string;
  request_hash: string;
  status: WithdrawalStatus;
  approvals_required: number;
  rule: string | null;
  reason: string | null;
  batch_id: string | null;
  created_at: Date;
  updated_at: Date;
  txid?: string | null;
}

/** The API view of a withdrawal: amounts in base units as stored, `display` in asset units for people. */
export function toWithdrawal(
  r: WithdrawalRow,
  assets: AssetRegistry,
  approvals: Withdrawal['approvals'] = [],
): Withdrawal {
  const decimals = assets.has(r.asset) ? assets.get(r.asset).decimals : 0;
  return {
    id: r.id,
    clientId: r.client_id,
    userId: r.user_id,
    asset: r.asset,
    chain: r.chain as Withdrawal['chain'],
    amount: String(r.amount),
    fee: String(r.fee),
    display: { amount: displayAmount(r.amount, decimals, r.asset), fee: displayAmount(r.fee, decimals, r.asset) },
    destination: r.destination,
    memo: r.memo,
    reference: r.reference,
    status: r.status,
    approvalsRequired: Number(r.approvals_required),
    approvals,
    rule: r.rule,
    reason: r.reason,
    batchId: r.batch_id,
    txid: r.txid ?? null,
    requestedBy: r.requested_by,
    requesterOwner: r.requester_owner ?? r.requested_by,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** A page of withdrawals from the rows a keyset query read (`limit + 1` of them, in the list's order). */
export function withdrawalPage(
  page: SeqPage,
  rows: WithdrawalRow[],
  assets: AssetRegistry,
): { data: Withdrawal[]; nextCursor: string | null } {
  const { data, nextCursor } = page.cut(rows, (r) => r.seq);
  return { data: data.map((r) => toWithdrawal(r, assets)), nextCursor };
}
