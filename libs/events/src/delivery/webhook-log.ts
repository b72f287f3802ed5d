import type { Database } from '@strongroom/persistence';
import { decodeCursor, pageOf as pageOfRows } from '@strongroom/shared-http';
import { z } from 'zod';
import type { DeliveryAttempt } from './webhook-dispatcher';

/** pending: an endpoint has yet to receive it; delivered: every endpoint it was routed to has; unrouted: no endpoint was subscribed. */
export const EVENT_STATES = ['pending', 'delivered', 'unrouted'] as const;
export type EventState = (typeof EVENT_STATES)[number];

export interface OutboxEventView {
  id: string;
  type: string;
  subject: string;
  clientId: string | null;
  /** Set for an event meant for one endpoint only (`webhook.test`). */
  endpointId: string | null;
  createdAt: Date;
  state: EventState;
  /** Messages of this event: endpoints still to receive it, and those that have. */
  endpoints: { pending: number; delivered: number };
}

export interface EventQuery {
  state?: EventState;
  type?: string;
  subject?: string;
  clientId?: string;
  limit: number;
  cursor?: string;
}

export interface DeliveryQuery {
  endpointId?: string;
  eventId?: string;
  ok?: boolean;
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

type Row = Record<string, unknown>;
const seqCursor = z.object({ seq: z.string().regex(/^[0-9]{1,19}$/) });
const idCursor = z.object({ id: z.string().regex(/^[0-9]{1,19}$/) });

const STATE_SQL: Record<EventState, string> = {
  pending: 'EXISTS (SELECT 1 FROM events.messages m WHERE m.event_seq = o.seq AND m.delivered_at IS NULL)',
  delivered:
    'NOT EXISTS (SELECT 1 FROM events.messages m WHERE m.event_seq = o.seq AND m.delivered_at IS NULL) AND EXISTS (SELECT 1 FROM events.messages m WHERE m.event_seq = o.seq)',
  unrouted: 'NOT EXISTS (SELECT 1 FROM events.messages m WHERE m.event_seq = o.seq)',
};

const EVENT_COLUMNS = `o.seq, o.id, o.type, o.subject, o.client_id, o.endpoint_id, o.created_at,
  (SELECT count(*) FROM events.messages m WHERE m.event_seq = o.seq AND m.delivered_at IS NULL) AS pending,
  (SELECT count(*) FROM events.messages m WHERE m.event_seq = o.seq AND m.delivered_at IS NOT NULL) AS delivered`;

/** Read side of the outbox and the delivery log (keyset pages: events oldest first, attempts newest first). */
export class WebhookLog {
  constructor(private readonly db: Database) {}

  async events(q: EventQuery): Promise<Page<OutboxEventView>> {
    const { where, params, add } = filters();
    if (q.state) where.push(STATE_SQL[q.state]);
    if (q.type) add('o.type = ?', q.type);
    if (q.subject) add('o.subject = ?', q.subject);
    if (q.clientId) add('o.client_id = ?', q.clientId);
    if (q.cursor) add('o.seq > ?::bigint', decodeCursor(seqCursor, q.cursor).seq);
    params.push(q.limit + 1);
    const rows = await this.db.query<Row>(
      `SELECT ${EVENT_COLUMNS} FROM events.outbox o ${whereSql(where)} ORDER BY o.seq LIMIT $${params.length}`,
      params,
    );
    return pageOf(rows, q.limit, (r) => ({ seq: String(r.seq) }), eventOf);
  }

  async event(id: string): Promise<OutboxEventView | undefined> {
    const [row] = await this.db.query<Row>(`SELECT ${EVENT_COLUMNS} FROM events.outbox o WHERE o.id = $1`, [id]);
    return row && eventOf(row);
  }

  async deliveries(q: DeliveryQuery): Promise<Page<DeliveryAttempt>> {
    const { where, params, add } = filters();
    if (q.endpointId) add('d.endpoint_id = ?', q.endpointId);
    if (q.eventId) add('d.event_id = ?', q.eventId);
    if (q.ok !== undefined) add('d.ok = ?', q.ok);
    if (q.cursor) add('d.id < ?::bigint', decodeCursor(idCursor, q.cursor).id);
    params.push(q.limit + 1);
    const rows = await this.db.query<Row>(
      `SELECT d.id, d.endpoint_id, d.event_id, o.type, d.attempt, d.replay, d.url, d.status_code, d.ok, d.error,
              d.duration_ms, d.attempted_at
         FROM events.deliveries d JOIN events.outbox o ON o.id = d.event_id
         ${whereSql(where)} ORDER BY d.id DESC LIMIT $${params.length}`,
      params,
    );
    return pageOf(rows, q.limit, (r) => ({ id: String(r.id) }), deliveryOf);
  }
}

function pageOf<T>(rows: Row[], limit: number, position: (last: Row) => unknown, view: (r: Row) => T): Page<T> {
  const page = pageOfRows(rows, limit, position);
  return { data: page.data.map(view), nextCursor: page.nextCursor };
}

function eventOf(r: Row): OutboxEventView {
  const pending = Number(r.pending);
  const delivered = Number(r.delivered);
  return {
    id: String(r.id),
    type: String(r.type),
    subject: String(r.subject),
    clientId: (r.client_id as string | null) ?? null,
    endpointId: (r.endpoint_id as string | null) ?? null,
    createdAt: new Date(r.created_at as string),
    state: pending > 0 ? 'pending' : delivered > 0 ? 'delivered' : 'unrouted',
    endpoints: { pending, delivered },
  };
}

function deliveryOf(r: Row): DeliveryAttempt {
  return {
    deliveryId: String(r.id),
    endpointId: (r.endpoint_id as string | null) ?? null,
    eventId: String(r.event_id),
    eventType: String(r.type),
    attempt: Number(r.attempt),
    replay: r.replay === true,
    url: String(r.url),
    ok: r.ok === true,
    statusCode: r.status_code == null ? null : Number(r.status_code),
    error: (r.error as string | null) ?? null,
    durationMs: Number(r.duration_ms),
    attemptedAt: new Date(r.attempted_at as string),
  };
}

/** Collects `column = ?` conditions with numbered parameters for the list queries. */
function filters(): { where: string[]; params: unknown[]; add(sql: string, v: unknown): void } {
  const where: string[] = [];
  const params: unknown[] = [];
  return {
    where,
    params,
    add(sql, v) {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    },
  };
}

const whereSql = (where: string[]): string => (where.length ? `WHERE ${where.join(' AND ')}` : '');
