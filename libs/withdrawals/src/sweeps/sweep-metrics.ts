import { Counter } from 'prom-client';
import { metricsRegistry } from '@strongroom/shared-http';

/**
 * Operational figures only (no ids, no amounts): what the sweeper did, per chain. `reverted` is the
 * one to alert on — gas was paid and nothing moved.
 */
export const sweepEvents = new Counter({
  name: 'strongroom_sweeps_total',
  help: 'Sweeps of deposit addresses per chain and outcome: planned, settled, reverted, refused (intent mismatch at signing), fee_bumped, resent',
  labelNames: ['chain', 'outcome'] as const,
  registers: [metricsRegistry],
});
