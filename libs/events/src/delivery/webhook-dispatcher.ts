import type { Database } from '@strongroom/persistence';
import { metricsRegistry, stopWithin, type StopOutcome } from '@strongroom/shared-http';
import { Counter } from 'prom-client';
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffPolicy } from '../backoff';
import { webhookHeaders } from '../webhook-signature';
import { OutboxBacklogGauge } from './outbox-metrics';
import { claimDue, claimForReplay, eraseExpiredSecrets, recordAttempt, type ClaimedMessage } from './message-queries';

const deliveries = new Counter({
  name: 'strongroom_webhook_deliveries_total',
  help: 'Webhook delivery attempts by outcome (delivered, failed) and whether they were replays',
  labelNames: ['outcome', 'replay'] as const,
  registers: [metricsRegistry],
});

export interface WebhookDispatcherOptions {
  db: Database;
  backoff?: BackoffPolicy;
  /** Messages in flight at once (and claimed per round by dispatchOnce). */
  batchSize?: number;
  /** Messages of one endpoint per claim, so a large backlog of one endpoint does not crowd out the others. */
  perEndpoint?: number;
  /** How long a claimed message stays invisible to other replicas while its POST is in flight. */
  leaseMs?: number;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Pause between rounds when nothing was due. */
  idleMs?: number;
  clock?: () => Date;
  random?: () => number;
}

/** One attempt, as the delivery log keeps it. */
export interface DeliveryAttempt {
  deliveryId: string;
  /** Null only for attempts logged before endpoints existed (to the one configured URL). */
  endpointId: string | null;
  eventId: string;
  eventType: string;
  attempt: number;
  replay: boolean;
  url: string;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  attemptedAt: Date;
}

/**
 * Delivers the outbox's messages (one per event and endpoint), at least once. Any number of
 * replicas may run it: messages are claimed with `FOR UPDATE SKIP LOCKED` and leased in a short
 * transaction, POSTed outside any transaction (on PGlite a transaction holds the only session),
 * and the outcome is recorded in a second short transaction. A crash in between only means the
 * lease runs out and the same event (same id, same body) is sent again.
 */
export class WebhookDispatcher {
  private readonly backoff: BackoffPolicy;
  private readonly batchSize: number;
  private readonly perEndpoint: number;
  private readonly leaseMs: number;
  private readonly timeoutMs: number;
  private readonly idleMs: number;
  private readonly clock: () => Date;
  private readonly random: () => number;
  private readonly backlog: OutboxBacklogGauge;
  private readonly inFlight = new Map<Promise<unknown>, string>();
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.batchSize = options.batchSize ?? 50;
    this.perEndpoint = options.perEndpoint ?? 10;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.idleMs = options.idleMs ?? 1_000;
    this.clock = options.clock ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.backlog = new OutboxBacklogGauge(options.db, this.clock);
  }

  /** One round: claims what is due, delivers it, records every attempt. Returns the attempts made. */
  async dispatchOnce(): Promise<DeliveryAttempt[]> {
    const claimed = await this.claim(this.batchSize, []);
    const attempts = await Promise.all(claimed.map((m) => this.deliver(m, false)));
    await this.housekeeping();
    return attempts;
  }

  /**
   * Re-sends one event to one endpoint now, with its original id and body, whatever the message's
   * state; logged as a replay. A successful replay of an undelivered message also marks it
   * delivered. Undefined when the event was never routed to this endpoint.
   */
  async replay(endpointId: string, eventId: string): Promise<DeliveryAttempt | undefined> {
    const message = await claimForReplay(this.options.db, endpointId, eventId);
    return message && this.deliver(message, true);
  }

  /**
   * Delivers until stop(), keeping up to `batchSize` requests in flight: a slow endpoint occupies
   * only its own slots (at most about `perEndpoint`), the others keep flowing.
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let claimed = 0;
        try {
          claimed = await this.fill();
          await this.housekeeping();
        } catch {
          // The database may be briefly unavailable; the next round retries.
        }
        if (this.running && (claimed === 0 || this.inFlight.size >= this.batchSize)) await this.pause();
      }
      await Promise.allSettled([...this.inFlight.keys()]);
    })();
  }

  /** Makes an idle loop look for work now (after an enqueue in this process). */
  poke(): void {
    this.wake?.();
  }

  /** Starts no new step and waits for the one in progress, at most `boundMs` (then shutdown goes on without it). */
  async stop(boundMs?: number): Promise<StopOutcome> {
    this.running = false;
    this.wake?.();
    return stopWithin('webhook dispatcher', this.loop, boundMs);
  }

  /** Claims into the free slots, leaving out endpoints that have their share in flight. */
  private async fill(): Promise<number> {
    const free = this.batchSize - this.inFlight.size;
    if (free <= 0) return 0;
    const perEndpoint = new Map<string, number>();
    for (const id of this.inFlight.values()) perEndpoint.set(id, (perEndpoint.get(id) ?? 0) + 1);
    const busy = [...perEndpoint].filter(([, n]) => n >= this.perEndpoint).map(([id]) => id);
    const claimed = await this.claim(free, busy);
    for (const m of claimed) {
      const p: Promise<unknown> = this.deliver(m, false)
        .catch(() => undefined) // unrecorded: the lease runs out and the message is sent again
        .finally(() => {
          this.inFlight.delete(p);
          this.wake?.();
        });
      this.inFlight.set(p, m.endpointId);
    }
    return claimed.length;
  }

  private pause(): Promise<void> {
    return new Promise<void>((r) => {
      const t = setTimeout(r, this.idleMs);
      this.wake = () => {
        clearTimeout(t);
        r();
      };
    });
  }

  private claim(limit: number, skipEndpoints: string[]): Promise<ClaimedMessage[]> {
    const now = this.clock();
    return claimDue(this.options.db, {
      now,
      leaseUntil: new Date(now.getTime() + this.leaseMs),
      limit,
      perEndpoint: this.perEndpoint,
      skipEndpoints,
    });
  }

  /** The backlog gauge and the erasure of expired secrets; neither ever fails a round. */
  private async housekeeping(): Promise<void> {
    if (!this.backlog.due()) return;
    await eraseExpiredSecrets(this.options.db, this.clock()).catch(() => undefined);
    await this.backlog.refresh().catch(() => undefined);
  }

  private async deliver(m: ClaimedMessage, replay: boolean): Promise<DeliveryAttempt> {
    const attemptedAt = this.clock();
    const secrets = [m.secret];
    if (m.previousSecret && m.previousSecretExpiresAt && m.previousSecretExpiresAt > attemptedAt)
      secrets.push(m.previousSecret);
    const started = performance.now();
    const { statusCode, error } = await this.post(m, secrets, attemptedAt);
    const ok = error === null;
    const durationMs = Math.round(performance.now() - started);
    const retryAt =
      ok || replay ? undefined : new Date(this.clock().getTime() + retryDelayMs(m.attempts, this.backoff, this.random));
    const outcome = { replay, ok, statusCode, error, durationMs, attemptedAt, retryAt };
    const deliveryId = await recordAttempt(this.options.db, m, outcome, this.clock());
    deliveries.inc({ outcome: ok ? 'delivered' : 'failed', replay: String(replay) });
    const { endpointId, eventId, type: eventType, attempts: attempt, url } = m;
    return {
      deliveryId,
      endpointId,
      eventId,
      eventType,
      attempt,
      url,
      replay,
      ok,
      statusCode,
      error,
      durationMs,
      attemptedAt,
    };
  }

  /** 2xx = delivered; anything else, redirects and timeouts included, = retry. The answer's body is not read. */
  private async post(
    m: ClaimedMessage,
    secrets: string[],
    at: Date,
  ): Promise<{ statusCode: number | null; error: string | null }> {
    try {
      const res = await fetch(m.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...webhookHeaders(secrets, m.eventId, at, m.body) },
        body: m.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await res.body?.cancel().catch(() => undefined);
      return { statusCode: res.status, error: res.status >= 200 && res.status <= 299 ? null : `HTTP ${res.status}` };
    } catch (err) {
      return { statusCode: null, error: describeFetchError(err) };
    }
  }
}

function describeFetchError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'timeout';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}
