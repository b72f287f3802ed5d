import { Counter, Gauge } from 'prom-client';
import type { Database } from '@strongroom/persistence';
import { metricsRegistry } from '@strongroom/shared-http';
import type { ChainId } from '@strongroom/shared-types';

/** Operational figures only (no ids, no amounts): where each follower is and what it did. */
export const followerHeight = new Gauge({
  name: 'strongroom_deposits_follower_height',
  help: 'Last block height applied by the deposit follower, per chain',
  labelNames: ['chain'] as const,
  registers: [metricsRegistry],
});

export const followerEvents = new Counter({
  name: 'strongroom_deposits_follower_events_total',
  help: 'Deposit follower outcomes per chain: blocks applied, reorgs, deposits credited, reversed, dropped (reorged or vanished), vanished (dropped because the transaction was gone), step errors',
  labelNames: ['chain', 'event'] as const,
  registers: [metricsRegistry],
});

/** Deposits not final yet (seen, confirming) per chain and state: how many, and how old the oldest is. */
export const openDeposits = new Gauge({
  name: 'strongroom_deposits_open',
  help: 'Deposits in a state that is not final (seen, confirming), per chain and state',
  labelNames: ['chain', 'state'] as const,
  registers: [metricsRegistry],
});

export const openDepositsOldestAge = new Gauge({
  name: 'strongroom_deposits_open_oldest_age_seconds',
  help: 'Age (since first seen) of the oldest deposit per chain and non-final state; 0 when there is none',
  labelNames: ['chain', 'state'] as const,
  registers: [metricsRegistry],
});

const OPEN_STATES = ['seen', 'confirming'] as const;

/** Refreshes the open-deposit gauges from the database, at most every `everyMs` (one indexed query). */
export class OpenDepositsGauge {
  private last = 0;

  constructor(
    private readonly db: Database,
    private readonly chain: ChainId,
    private readonly clock: () => Date,
    private readonly everyMs = 10_000,
  ) {}

  async refresh(force = false): Promise<void> {
    const now = this.clock().getTime();
    if (!force && now - this.last < this.everyMs) return;
    this.last = now;
    const rows = await this.db.query<{ state: string; n: string; oldest: string | null }>(
      `SELECT state, count(*) AS n, min(first_seen_at) AS oldest FROM deposits.deposits
        WHERE chain = $1 AND state IN ('seen', 'confirming') GROUP BY state`,
      [this.chain],
    );
    for (const state of OPEN_STATES) {
      const r = rows.find((x) => x.state === state);
      openDeposits.set({ chain: this.chain, state }, r ? Number(r.n) : 0);
      openDepositsOldestAge.set(
        { chain: this.chain, state },
        r?.oldest ? Math.max(0, (now - new Date(r.oldest).getTime()) / 1000) : 0,
      );
    }
  }
}

/** Blocks the follower is behind the node's tip (0 when caught up): a slow or stuck follower. */
export const followerLag = new Gauge({
  name: 'strongroom_deposits_follower_lag_blocks',
  help: "Blocks between the node's tip and the deposit follower's cursor, per chain, at the last step",
  labelNames: ['chain'] as const,
  registers: [metricsRegistry],
});

export const chainTipHeight = new Gauge({
  name: 'strongroom_deposits_chain_tip_height',
  help: "The node's tip height as the deposit follower last read it, per chain",
  labelNames: ['chain'] as const,
  registers: [metricsRegistry],
});

/** When the node last answered: lag cannot be read from a node that is down, staleness can. */
export const chainTipReadAt = new Gauge({
  name: 'strongroom_deposits_chain_tip_last_read_timestamp_seconds',
  help: "Unix time the deposit follower last read the node's tip, per chain",
  labelNames: ['chain'] as const,
  registers: [metricsRegistry],
});

/** Records one tip read against the follower's cursor (no I/O). */
export function observeTip(chain: ChainId, tipHeight: number, cursorHeight: number, at: Date): void {
  chainTipHeight.set({ chain }, tipHeight);
  followerLag.set({ chain }, Math.max(0, tipHeight - cursorHeight));
  chainTipReadAt.set({ chain }, at.getTime() / 1000);
}
