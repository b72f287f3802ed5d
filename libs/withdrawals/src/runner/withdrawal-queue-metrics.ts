import type { Database } from '@strongroom/persistence';
import { metricsRegistry } from '@strongroom/shared-http';
import type { ChainId } from '@strongroom/shared-types';
import { Gauge } from 'prom-client';
import type { WithdrawalStatus } from '../withdrawal.types';

/** Every state a withdrawal waits in before it is final (settled, rejected, cancelled, failed). */
export const OPEN_WITHDRAWAL_STATUSES: readonly WithdrawalStatus[] = [
  'requested',
  'held',
  'awaiting_approval',
  'approved',
  'batched',
  'signing',
  'signed',
  'broadcast',
  'confirmed',
];

/** The withdrawal queue (withdrawals, not batches): how many wait in each state, and how long the oldest has. */
export const withdrawalsOpen = new Gauge({
  name: 'strongroom_withdrawals_open',
  help: 'Withdrawals in a non-final state, per chain and status',
  labelNames: ['chain', 'status'] as const,
  registers: [metricsRegistry],
});

export const withdrawalsOldestAge = new Gauge({
  name: 'strongroom_withdrawals_oldest_age_seconds',
  help: 'Age (since requested) of the oldest withdrawal in each non-final status, per chain; 0 when there is none',
  labelNames: ['chain', 'status'] as const,
  registers: [metricsRegistry],
});

const lastRefresh = new WeakMap<Database, Map<ChainId, number>>();

/**
 * Refreshes the queue gauges of one chain at most every `everyMs` per database (one grouped query
 * over the status index), so a busy pipeline round does not pay for it each time.
 */
export async function measureWithdrawalQueue(db: Database, chain: ChainId, now: Date, everyMs = 5_000): Promise<void> {
  const seen = lastRefresh.get(db) ?? new Map<ChainId, number>();
  lastRefresh.set(db, seen);
  const t = now.getTime();
  if (t - (seen.get(chain) ?? Number.NEGATIVE_INFINITY) < everyMs) return;
  seen.set(chain, t);
  const rows = await db.query<{ status: string; n: string; oldest: Date | string | null }>(
    `SELECT status, count(*)::text AS n, min(created_at) AS oldest FROM withdrawals.withdrawals
      WHERE status = ANY($2::text[]) AND chain = $1 GROUP BY status`,
    [chain, [...OPEN_WITHDRAWAL_STATUSES]],
  );
  for (const status of OPEN_WITHDRAWAL_STATUSES) {
    const r = rows.find((x) => x.status === status);
    withdrawalsOpen.set({ chain, status }, Number(r?.n ?? 0));
    withdrawalsOldestAge.set({ chain, status }, r?.oldest ? Math.max(0, (t - new Date(r.oldest).getTime()) / 1000) : 0);
  }
}
