import type { Database } from '@strongroom/persistence';
import { Gauge } from 'prom-client';
import { metricsRegistry } from '@strongroom/shared-http';

/** The webhook backlog: messages (event × endpoint) enabled endpoints have not acknowledged yet. Same figure from every replica (take max). */
export const outboxUndelivered = new Gauge({
  name: 'strongroom_webhook_outbox_undelivered',
  help: 'Webhook messages (one per event and enabled endpoint) not delivered yet',
  registers: [metricsRegistry],
});

export const outboxOldestUndeliveredAge = new Gauge({
  name: 'strongroom_webhook_outbox_oldest_undelivered_age_seconds',
  help: 'Age (since enqueued) of the oldest event an enabled endpoint has not received yet; 0 when there is none',
  registers: [metricsRegistry],
});

/** Refreshes the backlog gauges at most every `everyMs` (one query over the undelivered partial index). */
export class OutboxBacklogGauge {
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
    private readonly everyMs = 5_000,
  ) {}

  /** True when `everyMs` has passed since the last refresh. */
  due(): boolean {
    return this.clock().getTime() - this.last >= this.everyMs;
  }

  async refresh(force = false): Promise<void> {
    const now = this.clock().getTime();
    if (!force && now - this.last < this.everyMs) return;
    this.last = now;
    const [row] = await this.db.query<{ n: string; oldest: string | Date | null }>(
      `SELECT count(*) AS n, min(o.created_at) AS oldest
         FROM events.messages m
         JOIN events.endpoints e ON e.id = m.endpoint_id AND e.enabled AND e.deleted_at IS NULL
         JOIN events.outbox o ON o.seq = m.event_seq
        WHERE m.delivered_at IS NULL`,
    );
    outboxUndelivered.set(Number(row?.n ?? 0));
    outboxOldestUndeliveredAge.set(row?.oldest ? Math.max(0, (now - new Date(row.oldest).getTime()) / 1000) : 0);
  }
}
