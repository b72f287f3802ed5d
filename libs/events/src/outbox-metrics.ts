import type { Database } from '@strongroom/persistence';
import { Gauge } from 'prom-client';
import { metricsRegistry } from '@strongroom/shared-http';

/** The webhook backlog: events the exchange backend has not acknowledged yet. Same figure from every replica (take max). */
export const outboxUndelivered = new Gauge({
  name: 'strongroom_webhook_outbox_undelivered',
  help: 'Outbox events not delivered to the webhook endpoint yet',
  registers: [metricsRegistry],
});

export const outboxOldestUndeliveredAge = new Gauge({
  name: 'strongroom_webhook_outbox_oldest_undelivered_age_seconds',
  help: 'Age (since enqueued) of the oldest undelivered outbox event; 0 when there is none',
  registers: [metricsRegistry],
});

/** Refreshes the backlog gauges at most every `everyMs` (one query over the undelivered partial indexes). */
export class OutboxBacklogGauge {
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
    private readonly everyMs = 5_000,
  ) {}

  async refresh(force = false): Promise<void> {
    const now = this.clock().getTime();
    if (!force && now - this.last < this.everyMs) return;
    this.last = now;
    const [row] = await this.db.query<{ n: string; oldest: string | Date | null }>(
      `SELECT count(*) AS n, min(created_at) AS oldest FROM events.outbox WHERE delivered_at IS NULL`,
    );
    outboxUndelivered.set(Number(row?.n ?? 0));
    outboxOldestUndeliveredAge.set(row?.oldest ? Math.max(0, (now - new Date(row.oldest).getTime()) / 1000) : 0);
  }
}
