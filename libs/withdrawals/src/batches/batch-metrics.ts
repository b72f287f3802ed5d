import { metricsRegistry } from '@strongroom/shared-http';
import type { ChainId } from '@strongroom/shared-types';
import { Counter, Gauge } from 'prom-client';
import type { PipelineDeps } from '../core/deps';

/** States a batch passes through before it is final (settled, failed, cancelled). */
const OPEN_STATES = ['batched', 'signing', 'signed', 'broadcast', 'confirmed'] as const;

/**
 * Alert: `strongroom_withdrawal_batches_stuck > 0` for 10 minutes — a batch has been in a
 * non-final state longer than the pipeline's `stuckAfterMs` (default 1 h): user money is held
 * behind it. Operational figures only (no ids, no amounts).
 */
export const batchesStuck = new Gauge({
  name: 'strongroom_withdrawal_batches_stuck',
  help: 'Withdrawal batches in a non-final state for longer than the stuck bound, per chain and state',
  labelNames: ['chain', 'state'] as const,
  registers: [metricsRegistry],
});

export const oldestBatchAge = new Gauge({
  name: 'strongroom_withdrawal_batch_oldest_age_seconds',
  help: 'Age of the oldest withdrawal batch in each non-final state, per chain (0 when there is none)',
  labelNames: ['chain', 'state'] as const,
  registers: [metricsRegistry],
});

/** What recovery did to batches: resent (came back from a lost mempool), conflicted (alert), fee_bumped. */
export const batchRecoveries = new Counter({
  name: 'strongroom_withdrawal_batch_recoveries_total',
  help: 'Recovery actions on withdrawal batches per chain: resent, conflicted (inputs spent by another transaction), fee_bumped',
  labelNames: ['chain', 'outcome'] as const,
  registers: [metricsRegistry],
});

/** One grouped read per round: the stuck count and oldest age per open state of the chain. */
export async function measureBatches(
  deps: PipelineDeps,
  chain: ChainId,
  stuckAfterMs: number,
): Promise<Record<string, { stuck: number; oldestSeconds: number }>> {
  const now = deps.clock.now();
  const rows = await deps.db.query<{ status: string; stuck: string; oldest: Date | null }>(
    `SELECT status, count(*) FILTER (WHERE created_at <= $2)::text AS stuck, min(created_at) AS oldest
       FROM withdrawals.batches WHERE chain = $1 AND status = ANY($3::text[]) GROUP BY status`,
    [chain, new Date(now.getTime() - stuckAfterMs), [...OPEN_STATES]],
  );
  const out: Record<string, { stuck: number; oldestSeconds: number }> = {};
  for (const state of OPEN_STATES) {
    const r = rows.find((x) => x.status === state);
    const m = {
      stuck: Number(r?.stuck ?? 0),
      oldestSeconds: r?.oldest ? Math.max(0, (now.getTime() - new Date(r.oldest).getTime()) / 1000) : 0,
    };
    batchesStuck.set({ chain, state }, m.stuck);
    oldestBatchAge.set({ chain, state }, m.oldestSeconds);
    out[state] = m;
  }
  return out;
}
