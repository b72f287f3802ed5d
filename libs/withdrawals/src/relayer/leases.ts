import type { Tx } from '@strongroom/persistence';
import type { ChainId } from '@strongroom/shared-types';
import type { BatchStatus } from '../withdrawal.types';
import type { BatchRow } from '../batches/batch-row';

/**
 * Claims the oldest batch in `status` whose lease is free or expired, and leases it for `leaseMs`.
 * The lease (not a held row lock) covers the slow part done outside any transaction — KMS calls,
 * broadcasting — so a worker that dies mid-way is replaced once its lease runs out.
 */
export async function claimBatch(
  tx: Tx,
  chain: ChainId,
  status: BatchStatus,
  now: Date,
  leaseMs: number,
): Promise<BatchRow | null> {
  const [b] = await tx.query<BatchRow>(
    `SELECT * FROM withdrawals.batches WHERE status = $1 AND chain = $2 AND (lease_until IS NULL OR lease_until <= $3)
      ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED`,
    [status, chain, now],
  );
  if (!b) return null;
  await tx.query(`UPDATE withdrawals.batches SET lease_until = $2 WHERE id = $1`, [
    b.id,
    new Date(now.getTime() + leaseMs),
  ]);
  return b;
}
