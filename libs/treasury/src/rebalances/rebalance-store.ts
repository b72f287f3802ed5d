import { randomUUID } from 'node:crypto';
import type { Queryable } from '@strongroom/api-auth';
import type { Tx } from '@strongroom/persistence';
import type { Rebalance, RebalanceDirection, RebalanceStatus } from './rebalance.types';

interface RebalanceRow {
  id: string;
  seq: string;
  asset: string;
  owner: string;
  direction: RebalanceDirection;
  amount: string;
  reason: string;
  from_wallet_id: string;
  to_wallet_id: string;
  status: RebalanceStatus;
  approvals_required: number;
  reading_id: string;
  created_at: Date | string;
  updated_at: Date | string;
}

interface ApprovalRow {
  rebalance_id: string;
  owner: string;
  key_id: string;
  created_at: Date | string;
}

export interface RebalancePlan {
  asset: string;
  owner: string;
  direction: RebalanceDirection;
  amount: bigint;
  reason: string;
  fromWalletId: string;
  toWalletId: string;
  approvalsRequired: number;
  readingId: bigint;
}

type Db = Queryable;

/**
 * The rebalance a reading plans or requests. At most one is open per float and direction: a
 * planned hot → cold move follows the latest excess (nothing has approved it); a replenishment
 * waiting for approvals keeps the amount people are approving — a later reading cites it.
 */
export async function openRebalance(tx: Tx, plan: RebalancePlan): Promise<Rebalance> {
  const [open] = await tx.query<RebalanceRow>(
    `SELECT * FROM treasury.rebalances WHERE asset = $1 AND owner = $2 AND direction = $3
        AND status IN ('planned', 'pending_approval') FOR UPDATE`,
    [plan.asset, plan.owner, plan.direction],
  );
  if (open && open.status === 'planned') {
    const [row] = await tx.query<RebalanceRow>(
      `UPDATE treasury.rebalances SET amount = $2, reason = $3, reading_id = $4, from_wallet_id = $5,
              to_wallet_id = $6, updated_at = now() WHERE id = $1 RETURNING *`,
      [open.id, plan.amount.toString(), plan.reason, plan.readingId.toString(), plan.fromWalletId, plan.toWalletId],
    );
    return (await withApprovals(tx, [row]))[0];
  }
  if (open) return (await withApprovals(tx, [open]))[0];
  const status: RebalanceStatus = plan.direction === 'hot_to_cold' ? 'planned' : 'pending_approval';
  const [row] = await tx.query<RebalanceRow>(
    `INSERT INTO treasury.rebalances (id, asset, owner, direction, amount, reason, from_wallet_id, to_wallet_id,
       status, approvals_required, reading_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
    [
      `rb_${randomUUID()}`,
      plan.asset,
      plan.owner,
      plan.direction,
      plan.amount.toString(),
      plan.reason,
      plan.fromWalletId,
      plan.toWalletId,
      status,
      plan.approvalsRequired,
      plan.readingId.toString(),
    ],
  );
  return (await withApprovals(tx, [row]))[0];
}

/** A planned hot → cold move no longer wanted (the float is back under its upper bound). */
export async function cancelPlanned(tx: Tx, asset: string, owner: string): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(
    `UPDATE treasury.rebalances SET status = 'cancelled', updated_at = now()
      WHERE asset = $1 AND owner = $2 AND direction = 'hot_to_cold' AND status = 'planned' RETURNING id`,
    [asset, owner],
  );
  return rows.map((r) => r.id);
}

export async function rebalanceById(db: Db, id: string, lock = false): Promise<Rebalance | null> {
  const rows = await db.query<RebalanceRow>(
    `SELECT * FROM treasury.rebalances WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows.length ? (await withApprovals(db, rows))[0] : null;
}

/** Newest first (by seq), after the cursor's seq; `owners` narrows to a scoped key's clients. */
export async function listRebalances(
  db: Db,
  q: { statuses?: readonly RebalanceStatus[]; owners?: readonly string[]; beforeSeq?: string; limit: number },
): Promise<Rebalance[]> {
  const rows = await db.query<RebalanceRow>(
    `SELECT * FROM treasury.rebalances
      WHERE ($1::text[] IS NULL OR status = ANY($1::text[])) AND ($2::text[] IS NULL OR owner = ANY($2::text[]))
        AND ($3::bigint IS NULL OR seq < $3::bigint)
      ORDER BY seq DESC LIMIT $4`,
    [q.statuses ? [...q.statuses] : null, q.owners ? [...q.owners] : null, q.beforeSeq ?? null, q.limit],
  );
  return withApprovals(db, rows);
}

async function withApprovals(db: Db, rows: RebalanceRow[]): Promise<Rebalance[]> {
  if (rows.length === 0) return [];
  const approvals = await db.query<ApprovalRow>(
    `SELECT * FROM treasury.rebalance_approvals WHERE rebalance_id = ANY($1::text[]) ORDER BY created_at, owner`,
    [rows.map((r) => r.id)],
  );
  return rows.map((r) => ({
    id: r.id,
    seq: BigInt(r.seq),
    asset: r.asset,
    owner: r.owner,
    direction: r.direction,
    amount: BigInt(r.amount),
    reason: r.reason,
    fromWalletId: r.from_wallet_id,
    toWalletId: r.to_wallet_id,
    status: r.status,
    approvalsRequired: Number(r.approvals_required),
    approvals: approvals
      .filter((a) => a.rebalance_id === r.id)
      .map((a) => ({ owner: a.owner, keyId: a.key_id, at: new Date(a.created_at) })),
    readingId: BigInt(r.reading_id),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  }));
}
