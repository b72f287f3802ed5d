import type { Database } from '@strongroom/persistence';

export interface OutboxEventView {
  id: string;
  type: string;
  subject: string;
  createdAt: Date;
  state: 'pending' | 'delivered';
  attempts: number;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  /** Position in the outbox; pass as `after` to page on. */
  seq: string;
}

export interface DeliveryView {
  id: string;
  eventId: string;
  attempt: number;
  replay: boolean;
  url: string;
  statusCode: number | null;
  ok: boolean;
  error: string | null;
  durationMs: number;
  attemptedAt: Date;
}

export interface EventQuery {
  state?: 'pending' | 'delivered';
  type?: string;
  subject?: string;
  after?: string;
  limit?: number;
}

export interface DeliveryQuery {
  eventId?: string;
  ok?: boolean;
  after?: string;
  limit?: number;
}

type Row = Record<string, unknown>;

/** Read side of the outbox and the delivery log (keyset pagination by sequence). */
export class WebhookLog {
  constructor(private readonly db: Database) {}

  async events(q: EventQuery): Promise<OutboxEventView[]> {
    const { where, params, add } = filters();
    if (q.state === 'pending') where.push('delivered_at IS NULL');
    if (q.state === 'delivered') where.push('delivered_at IS NOT NULL');
    if (q.type) add('type = ?', q.type);
    if (q.subject) add('subject = ?', q.subject);
    if (q.after) add('seq > ?', q.after);
    params.push(q.limit ?? 100);
    const rows = await this.db.query<Row>(
      `SELECT seq, id, type, subject, created_at, attempts, next_attempt_at, delivered_at, last_status, last_error
         FROM events.outbox ${whereSql(where)} ORDER BY seq LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      id: String(r.id),
      type: String(r.type),
      subject: String(r.subject),
      createdAt: new Date(r.created_at as string),
      state: r.delivered_at ? 'delivered' : 'pending',
      attempts: Number(r.attempts),
      nextAttemptAt: r.delivered_at ? null : new Date(r.next_attempt_at as string),
      deliveredAt: r.delivered_at ? new Date(r.delivered_at as string) : null,
      lastStatus: r.last_status == null ? null : Number(r.last_status),
      lastError: (r.last_error as string | null) ?? null,
      seq: String(r.seq),
    }));
  }

  async deliveries(q: DeliveryQuery): Promise<DeliveryView[]> {
    const { where, params, add } = filters();
    if (q.eventId) add('event_id = ?', q.eventId);
    if (q.ok !== undefined) add('ok = ?', q.ok);
    if (q.after) add('id > ?', q.after);
    params.push(q.limit ?? 100);
    const rows = await this.db.query<Row>(
      `SELECT id, event_id, attempt, replay, url, status_code, ok, error, duration_ms, attempted_at
         FROM events.deliveries ${whereSql(where)} ORDER BY id LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      id: String(r.id),
      eventId: String(r.event_id),
      attempt: Number(r.attempt),
      replay: r.replay === true,
      url: String(r.url),
      statusCode: r.status_code == null ? null : Number(r.status_code),
      ok: r.ok === true,
      error: (r.error as string | null) ?? null,
      durationMs: Number(r.duration_ms),
      attemptedAt: new Date(r.attempted_at as string),
    }));
  }
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
