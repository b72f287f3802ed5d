import { randomUUID } from 'node:crypto';
import type { Tx } from '@strongroom/persistence';

/** An event for the exchange backend, written in the caller's transaction, so it exists exactly when the state change does. */
export interface OutboxEventInput {
  /** Dotted type such as `deposit.credited`. */
  type: string;
  /** What the event is about (a deposit key, a withdrawal id); delivery order is kept per subject. */
  subject: string;
  /** JSON data; bigint values are written as decimal strings. */
  payload: Record<string, unknown>;
  /** Defaults to now. */
  at?: Date;
}

export interface EnqueuedEvent {
  id: string;
  type: string;
  subject: string;
  createdAt: Date;
  /** The exact JSON body every delivery of this event sends. */
  body: string;
}

const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

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
 * Adds an event to the outbox inside `tx`: it exists if and only if the caller's state change
 * commits. The id (`evt_<uuid>`) is what receivers de-duplicate on.
 */
export async function enqueue(tx: Tx, input: OutboxEventInput): Promise<EnqueuedEvent> {
  if (!EVENT_TYPE.test(input.type)) throw new Error(`event type "${input.type}" is not dotted lower case`);
  if (!input.subject) throw new Error('event subject is required');
  const id = `evt_${randomUUID()}`;
  const createdAt = input.at ?? new Date();
  const envelope: WebhookEnvelope = {
    id,
    type: input.type,
    subject: input.subject,
    createdAt: createdAt.toISOString(),
    data: input.payload,
  };
  const body = jsonWithBigints(envelope);
  await tx.query(
    `INSERT INTO events.outbox (id, type, subject, body, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $5)`,
    [id, input.type, input.subject, body, createdAt],
  );
  return { id, type: input.type, subject: input.subject, createdAt, body };
}
