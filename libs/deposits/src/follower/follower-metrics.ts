import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from '@strongroom/shared-http';

/** Operational figures only (no ids, no amounts): where each follower is and what it did. */
export const followerHeight = new Gauge({
  name: 'strongroom_deposits_follower_height',
  help: 'Last block height applied by the deposit follower, per chain',
  labelNames: ['chain'] as const,
  registers: [metricsRegistry],
});

export const followerEvents = new Counter({
  name: 'strongroom_deposits_follower_events_total',
  help: 'Deposit follower outcomes per chain: blocks applied, reorgs, deposits credited, reversed, dropped, step errors',
  labelNames: ['chain', 'event'] as const,
  registers: [metricsRegistry],
});
