import { randomUUID } from 'node:crypto';
import type { Tx } from '@strongroom/persistence';

/** An event for the exchange backend, written in the caller's transaction, so it exists exactly when the state change does. */
export interface OutboxEventInput {
  /** Dotted type such as `deposit.credited`. */
  type: string;
  /** What the event is about (a deposit key, a withdrawal id); delivery order is kept per endpoint and subject. */
  subject: string;
  /** JSON data; bigint values are written as decimal strings. */
  payload: Record<string, unknown>;
  /**
   * Whose event it is: only this client's endpoints receive it; null = no client's (deployment-wide
   * endpoints only). Absent: the payload's `clientId`, else the client of the subject's earlier events.
   */
  clientId?: string | null;
  /** Deliver to this endpoint only, whatever its subscriptions (the `webhook.test` event). */
  endpointId?: string;
  /** Defaults to now. */
  at?: Date;
}

export interface EnqueuedEvent {
  id: string;
  type: string;
  subject: string;
  clientId: string | null;
  createdAt: Date;
  /** The exact JSON body every delivery of this event sends. */
  body: string;
  /** Endpoints it was routed to (one message each). */
  endpoints: number;
}

export const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** The JSON every webhook delivers: the envelope is stable; `data` depends on `type`. */
export interface WebhookEnvelope<T = Record<string, unknown>> {
  id: string;
  type: string;
  subject: string;
  createdAt: string;
  data: T;
}

export function jsonWithBigints(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/**
 * Adds an event to the outbox inside `tx`, with one message per endpoint that is to receive it:
 * both exist if and only if the caller's state change commits, so an endpoint's messages of one
 * subject are in commit order. The id (`evt_<uuid>`) is what receivers de-duplicate on.
 */
export async function enqueue(tx: Tx, input: OutboxEventInput): Promise<EnqueuedEvent> {
  if (!EVENT_TYPE.test(input.type)) throw new Error(`event type "${input.type}" is not dotted lower case`);
  if (!input.subject) throw new Error('event subject is required');
  const id = `evt_${randomUUID()}`;
  const createdAt = input.at ?? new Date();
  const clientId = await clientOf(tx, input);
  const envelope: WebhookEnvelope = {
    id,
    type: input.type,
    subject: input.subject,
    createdAt: createdAt.toISOString(),
    data: input.payload,
  };
  const body = jsonWithBigints(envelope);
  const [{ seq }] = await tx.query<{ seq: string }>(
    `INSERT INTO events.outbox (id, type, subject, body, created_at, client_id, endpoint_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq`,
    [id, input.type, input.subject, body, createdAt, clientId, input.endpointId ?? null],
  );
  const endpoints = await routeToEndpoints(tx, { ...input, seq, clientId, createdAt });
  return { id, type: input.type, subject: input.subject, clientId, createdAt, body, endpoints };
}

/**
 * The client an event belongs to. Deposit events carry `clientId` in their payload; a withdrawal's
 * later events do not, but its first (`withdrawal.requested`) does, and all share the subject.
 */
async function clientOf(tx: Tx, input: OutboxEventInput): Promise<string | null> {
  if (input.clientId !== undefined) return input.clientId;
  if (typeof input.payload.clientId === 'string') return input.payload.clientId;
  const [earlier] = await tx.query<{ client_id: string }>(
    `SELECT client_id FROM events.outbox WHERE subject = $1 AND client_id IS NOT NULL ORDER BY seq LIMIT 1`,
    [input.subject],
  );
  return earlier?.client_id ?? null;
}

/**
 * One message per live, enabled endpoint of the event's client subscribed to its type: a pattern
 * is `*`, an exact type, or a prefix ending in `.*` (`deposit.*`); no patterns = every type.
 */
async function routeToEndpoints(
  tx: Tx,
  e: OutboxEventInput & { seq: string; clientId: string | null; createdAt: Date },
): Promise<number> {
  if (e.endpointId) {
    await tx.query(
      `INSERT INTO events.messages (endpoint_id, event_seq, subject, next_attempt_at) VALUES ($1, $2, $3, $4)`,
      [e.endpointId, e.seq, e.subject, e.createdAt],
    );
    return 1;
  }
  const { rowCount } = await tx.execute(
    `INSERT INTO events.messages (endpoint_id, event_seq, subject, next_attempt_at)
     SELECT p.id, $1::bigint, $2::text, $3::timestamptz FROM events.endpoints p
      WHERE p.deleted_at IS NULL AND p.enabled AND p.client_id IS NOT DISTINCT FROM $4::text
        AND (cardinality(p.event_types) = 0 OR EXISTS (
              SELECT 1 FROM unnest(p.event_types) AS t(pattern)
               WHERE t.pattern = '*' OR t.pattern = $5::text
                  OR (right(t.pattern, 2) = '.*' AND left($5::text, length(t.pattern) - 1) = left(t.pattern, length(t.pattern) - 1))))`,
    [e.seq, e.subject, e.createdAt, e.clientId, e.type],
  );
  return rowCount;
}
