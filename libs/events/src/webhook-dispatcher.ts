import type { Database } from '@strongroom/persistence';
import { domainError } from '@strongroom/shared-types';
import { Counter } from 'prom-client';
import { metricsRegistry } from '@strongroom/shared-http';
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffPolicy } from './backoff';
import { OutboxBacklogGauge } from './outbox-metrics';
import { signWebhook, WEBHOOK_HEADERS } from './webhook-signature';
import { EventsErrors } from './events.errors';

const deliveries = new Counter({
  name: 'strongroom_webhook_deliveries_total',
  help: 'Webhook delivery attempts by outcome (delivered, failed) and whether they were replays',
  labelNames: ['outcome', 'replay'] as const,
  registers: [metricsRegistry],
});

export interface WebhookDispatcherOptions {
  db: Database;
  /** The exchange backend's endpoint. */
  url: string;
  secret: string;
  backoff?: BackoffPolicy;
  /** Events claimed per round (at most one per subject, see claimDue). */
  batchSize?: number;
  /** How long a claimed event stays invisible to other replicas while its POST is in flight. */
  leaseMs?: number;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Pause between rounds when nothing was due. */
  idleMs?: number;
  clock?: () => Date;
  random?: () => number;
}

export interface DeliveryAttempt {
  eventId: string;
  attempt: number;
  replay: boolean;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  attemptedAt: Date;
}

interface ClaimedEvent {
  id: string;
  type: string;
  body: string;
  attempts: number;
}

/**
 * Delivers the outbox to one webhook endpoint, at least once. Any number of replicas may run it:
 * events are claimed with `FOR UPDATE SKIP LOCKED` and leased (next_attempt_at pushed ahead)
 * in a short transaction, POSTed outside any transaction (on PGlite a transaction holds the only
 * session), and the outcome is recorded in a second short transaction. A crash in between only
 * means the lease runs out and the same event (same id, same body) is sent again.
 */
export class WebhookDispatcher {
  private readonly backoff: BackoffPolicy;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly timeoutMs: number;
  private readonly idleMs: number;
  private readonly clock: () => Date;
  private readonly random: () => number;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private readonly backlog: OutboxBacklogGauge;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.batchSize = options.batchSize ?? 50;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.idleMs = options.idleMs ?? 1_000;
    this.clock = options.clock ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.backlog = new OutboxBacklogGauge(options.db, this.clock);
  }

  get url(): string {
    return this.options.url;
  }

  /** One round: claims what is due, delivers it, records every attempt. Returns the attempts made. */
  async dispatchOnce(): Promise<DeliveryAttempt[]> {
    const claimed = await this.claimDue();
    const attempts = await Promise.all(claimed.map((e) => this.deliver(e, false)));
    await this.backlog.refresh().catch(() => undefined); // a gauge never fails a round
    return attempts;
  }

  /**
   * Re-sends one event now, with its original id and body, whatever its state; the attempt is
   * logged as a replay. A successful replay of an undelivered event also marks it delivered.
   */
  async replay(eventId: string): Promise<DeliveryAttempt> {
    const [row] = await this.options.db.query<{ id: string; type: string; body: string; attempts: number }>(
      `UPDATE events.outbox SET attempts = attempts + 1 WHERE id = $1 RETURNING id, type, body, attempts`,
      [eventId],
    );
    if (!row) throw domainError(EventsErrors['webhook.event_not_found'], `no event ${eventId}`, { eventId });
    return this.deliver({ ...row, attempts: Number(row.attempts) }, true);
  }

  /** Runs rounds until stop(); a round that delivered something is followed at once by the next. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let worked = false;
        try {
          worked = (await this.dispatchOnce()).length > 0;
        } catch {
          // The database may be briefly unavailable; the next round retries.
        }
        if (!worked && this.running)
          await new Promise<void>((r) => {
            const t = setTimeout(r, this.idleMs);
            this.wake = () => {
              clearTimeout(t);
              r();
            };
          });
      }
    })();
  }

  /** Makes an idle loop look for work now (after an enqueue in this process). */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /**
   * Claims due events, skipping rows other replicas hold, and only the oldest undelivered event
   * of each subject: per-subject order is kept while deliveries succeed (best effort: a lease that
   * expires mid-request, or a replay, can still deliver an older event after a newer one).
   */
  private async claimDue(): Promise<ClaimedEvent[]> {
    const now = this.clock();
    const leaseUntil = new Date(now.getTime() + this.leaseMs);
    return this.options.db.transaction(async (tx) => {
      const rows = await tx.query<{ id: string; type: string; body: string; attempts: number }>(
        `WITH due AS (
           SELECT o.seq FROM events.outbox o
            WHERE o.delivered_at IS NULL AND o.next_attempt_at <= $1
              AND NOT EXISTS (SELECT 1 FROM events.outbox p
                               WHERE p.subject = o.subject AND p.delivered_at IS NULL AND p.seq < o.seq)
            ORDER BY o.seq
            LIMIT $2
            FOR UPDATE OF o SKIP LOCKED)
         UPDATE events.outbox o SET next_attempt_at = $3, attempts = o.attempts + 1
           FROM due WHERE o.seq = due.seq
         RETURNING o.id, o.type, o.body, o.attempts, o.seq`,
        [now, this.batchSize, leaseUntil],
      );
      return rows.map((r) => ({ id: r.id, type: r.type, body: r.body, attempts: Number(r.attempts) }));
    });
  }

  private async deliver(event: ClaimedEvent, replay: boolean): Promise<DeliveryAttempt> {
    const attemptedAt = this.clock();
    const timestamp = String(Math.floor(attemptedAt.getTime() / 1000));
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [WEBHOOK_HEADERS.eventId]: event.id,
          [WEBHOOK_HEADERS.eventType]: event.type,
          [WEBHOOK_HEADERS.timestamp]: timestamp,
          [WEBHOOK_HEADERS.signature]: signWebhook(this.options.secret, timestamp, event.body),
        },
        body: event.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      statusCode = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status > 299) error = `HTTP ${res.status}`;
    } catch (err) {
      error = describeFetchError(err);
    }
    const ok = error === null;
    const durationMs = Math.round(performance.now() - started);
    await this.options.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO events.deliveries (event_id, attempt, replay, url, status_code, ok, error, duration_ms, attempted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [event.id, event.attempts, replay, this.options.url, statusCode, ok, error, durationMs, attemptedAt],
      );
      if (ok) {
        await tx.query(
          `UPDATE events.outbox SET delivered_at = COALESCE(delivered_at, $2), last_status = $3, last_error = NULL WHERE id = $1`,
          [event.id, this.clock(), statusCode],
        );
      } else if (!replay) {
        const next = new Date(this.clock().getTime() + retryDelayMs(event.attempts, this.backoff, this.random));
        await tx.query(
          `UPDATE events.outbox SET next_attempt_at = $2, last_status = $3, last_error = $4 WHERE id = $1 AND delivered_at IS NULL`,
          [event.id, next, statusCode, error],
        );
      }
    });
    deliveries.inc({ outcome: ok ? 'delivered' : 'failed', replay: String(replay) });
    return { eventId: event.id, attempt: event.attempts, replay, ok, statusCode, error, durationMs, attemptedAt };
  }
}

function describeFetchError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'timeout';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}
