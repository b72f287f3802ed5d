import type { Database } from '@strongroom/persistence';

/** One (event, endpoint) message claimed for an attempt, with what signing and sending it needs. */
export interface ClaimedMessage {
  endpointId: string;
  eventSeq: string;
  eventId: string;
  type: string;
  body: string;
  /** Attempts so far, this one included. */
  attempts: number;
  url: string;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
}

interface ClaimRow {
  endpoint_id: string;
  event_seq: string;
  attempts: number;
  id: string;
  type: string;
  body: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | string | null;
}

const CLAIM_RETURNING = `m.endpoint_id, m.event_seq, m.attempts, o.id, o.type, o.body, e.url, e.secret, e.previous_secret, e.previous_secret_expires_at`;

const claimedOf = (r: ClaimRow): ClaimedMessage => ({
  endpointId: r.endpoint_id,
  eventSeq: String(r.event_seq),
  eventId: r.id,
  type: r.type,
  body: r.body,
  attempts: Number(r.attempts),
  url: r.url,
  secret: r.secret,
  previousSecret: r.previous_secret,
  previousSecretExpiresAt: r.previous_secret_expires_at === null ? null : new Date(r.previous_secret_expires_at),
});

export interface ClaimOptions {
  now: Date;
  leaseUntil: Date;
  limit: number;
  /** At most this many per endpoint in one claim, so one endpoint's backlog cannot fill a round. */
  perEndpoint: number;
  /** Endpoints to leave out (they have enough in flight already). */
  skipEndpoints: readonly string[];
}

/**
 * Leases due messages of enabled endpoints: only the oldest undelivered message of each
 * (endpoint, subject), skipping rows other replicas hold. The lease (next_attempt_at pushed
 * ahead) is re-checked on the locked row, so two replicas never claim the same message at once.
 */
export async function claimDue(db: Database, o: ClaimOptions): Promise<ClaimedMessage[]> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<ClaimRow>(
      `WITH ranked AS (
         SELECT m.endpoint_id, m.event_seq,
                row_number() OVER (PARTITION BY m.endpoint_id ORDER BY m.event_seq) AS n
           FROM events.messages m
           JOIN events.endpoints e ON e.id = m.endpoint_id AND e.enabled AND e.deleted_at IS NULL
          WHERE m.delivered_at IS NULL AND m.next_attempt_at <= $1 AND NOT (m.endpoint_id = ANY($5::text[]))
            AND NOT EXISTS (SELECT 1 FROM events.messages p
                             WHERE p.endpoint_id = m.endpoint_id AND p.subject = m.subject
                               AND p.delivered_at IS NULL AND p.event_seq < m.event_seq)),
       due AS (
         SELECT m.endpoint_id, m.event_seq FROM events.messages m
           JOIN ranked r ON r.endpoint_id = m.endpoint_id AND r.event_seq = m.event_seq AND r.n <= $4
          WHERE m.delivered_at IS NULL AND m.next_attempt_at <= $1
          ORDER BY m.event_seq
          LIMIT $2
          FOR UPDATE OF m SKIP LOCKED)
       UPDATE events.messages m SET next_attempt_at = $3, attempts = m.attempts + 1
         FROM due, events.outbox o, events.endpoints e
        WHERE m.endpoint_id = due.endpoint_id AND m.event_seq = due.event_seq
          AND o.seq = m.event_seq AND e.id = m.endpoint_id
       RETURNING ${CLAIM_RETURNING}`,
      [o.now, o.limit, o.leaseUntil, o.perEndpoint, [...o.skipEndpoints]],
    );
    return rows.map(claimedOf).sort((a, b) => Number(BigInt(a.eventSeq) - BigInt(b.eventSeq)));
  });
}

/** The message of `eventId` for a live endpoint, counted as one more attempt; undefined when the event was never routed to it. */
export async function claimForReplay(
  db: Database,
  endpointId: string,
  eventId: string,
): Promise<ClaimedMessage | undefined> {
  const [row] = await db.query<ClaimRow>(
    `UPDATE events.messages m SET attempts = m.attempts + 1
       FROM events.outbox o, events.endpoints e
      WHERE o.id = $2 AND m.event_seq = o.seq AND m.endpoint_id = $1 AND e.id = m.endpoint_id AND e.deleted_at IS NULL
     RETURNING ${CLAIM_RETURNING}`,
    [endpointId, eventId],
  );
  return row ? claimedOf(row) : undefined;
}

export interface AttemptOutcome {
  replay: boolean;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  attemptedAt: Date;
  /** For a failed scheduled attempt: when to try again. */
  retryAt?: Date;
}

/** Logs the attempt and moves the message on (delivered, or due again after its backoff). Returns the log row's id. */
export async function recordAttempt(db: Database, m: ClaimedMessage, a: AttemptOutcome, now: Date): Promise<string> {
  return db.transaction(async (tx) => {
    const [{ id }] = await tx.query<{ id: string }>(
      `INSERT INTO events.deliveries (endpoint_id, event_id, attempt, replay, url, status_code, ok, error, duration_ms, attempted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [m.endpointId, m.eventId, m.attempts, a.replay, m.url, a.statusCode, a.ok, a.error, a.durationMs, a.attemptedAt],
    );
    if (a.ok) {
      await tx.query(
        `UPDATE events.messages SET delivered_at = COALESCE(delivered_at, $3), last_status = $4, last_error = NULL
          WHERE endpoint_id = $1 AND event_seq = $2`,
        [m.endpointId, m.eventSeq, now, a.statusCode],
      );
    } else if (a.retryAt) {
      await tx.query(
        `UPDATE events.messages SET next_attempt_at = $3, last_status = $4, last_error = $5
          WHERE endpoint_id = $1 AND event_seq = $2 AND delivered_at IS NULL`,
        [m.endpointId, m.eventSeq, a.retryAt, a.statusCode, a.error],
      );
    }
    return String(id);
  });
}

/** A rotation's previous secret is erased once its overlap is over: it signs nothing any more. */
export async function eraseExpiredSecrets(db: Database, now: Date): Promise<void> {
  await db.query(
    `UPDATE events.endpoints SET previous_secret = NULL, previous_secret_expires_at = NULL
      WHERE previous_secret_expires_at <= $1`,
    [now],
  );
}
