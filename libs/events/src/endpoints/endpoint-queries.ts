import { randomBytes } from 'node:crypto';
import type { Tx } from '@strongroom/persistence';
import { newWebhookSecret } from '../webhook-signature';
import {
  ENDPOINT_COLUMNS,
  type EndpointRow,
  type NewWebhookEndpoint,
  type WebhookEndpointChange,
} from './webhook-endpoint';

/** A transaction, or the database for a single read. */
export type Queryable = Pick<Tx, 'query'>;

/** `whep_` and 96 random bits. */
export const newEndpointId = (): string => `whep_${randomBytes(12).toString('hex')}`;

/** A live (not deleted) endpoint, locked for a change when `lock`. */
export async function findLiveEndpoint(tx: Queryable, id: string, lock = false): Promise<EndpointRow | undefined> {
  const [row] = await tx.query<EndpointRow>(
    `SELECT ${ENDPOINT_COLUMNS} FROM events.endpoints WHERE id = $1 AND deleted_at IS NULL${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return row;
}

export async function insertEndpoint(
  tx: Tx,
  input: NewWebhookEndpoint,
  now: Date,
): Promise<{ row: EndpointRow; secret: string }> {
  const secret = newWebhookSecret();
  const [row] = await tx.query<EndpointRow>(
    `INSERT INTO events.endpoints (id, client_id, url, description, event_types, enabled, secret, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING ${ENDPOINT_COLUMNS}`,
    [
      newEndpointId(),
      input.clientId,
      input.url,
      input.description ?? '',
      input.eventTypes ?? [],
      input.enabled ?? true,
      secret,
      now,
    ],
  );
  return { row, secret };
}

export async function updateEndpoint(tx: Tx, id: string, c: WebhookEndpointChange, now: Date): Promise<EndpointRow> {
  const [row] = await tx.query<EndpointRow>(
    `UPDATE events.endpoints SET url = COALESCE($2, url), description = COALESCE($3, description),
            event_types = COALESCE($4, event_types), enabled = COALESCE($5, enabled), updated_at = $6
      WHERE id = $1 AND deleted_at IS NULL RETURNING ${ENDPOINT_COLUMNS}`,
    [id, c.url ?? null, c.description ?? null, c.eventTypes ?? null, c.enabled ?? null, now],
  );
  return row;
}

/**
 * A new secret; the current one keeps signing beside it until `now + overlapSeconds` (0: replaced
 * at once). A rotation during an overlap drops the older secret: at most two sign.
 */
export async function rotateEndpointSecret(
  tx: Tx,
  id: string,
  overlapSeconds: number,
  now: Date,
): Promise<{ row: EndpointRow; secret: string }> {
  const secret = newWebhookSecret();
  const until = overlapSeconds > 0 ? new Date(now.getTime() + overlapSeconds * 1000) : null;
  const [row] = await tx.query<EndpointRow>(
    `UPDATE events.endpoints
        SET previous_secret = CASE WHEN $3::timestamptz IS NULL THEN NULL ELSE secret END,
            previous_secret_expires_at = $3, secret = $2, updated_at = $4
      WHERE id = $1 AND deleted_at IS NULL RETURNING ${ENDPOINT_COLUMNS}`,
    [id, secret, until, now],
  );
  return { row, secret };
}

/** Deleted: its secrets erased, its undelivered messages dropped; the row and its attempts stay as history. */
export async function deleteEndpoint(tx: Tx, id: string, now: Date): Promise<void> {
  await tx.query(
    `UPDATE events.endpoints SET deleted_at = $2, updated_at = $2, enabled = false,
            secret = NULL, previous_secret = NULL, previous_secret_expires_at = NULL
      WHERE id = $1 AND deleted_at IS NULL`,
    [id, now],
  );
  await tx.query(`DELETE FROM events.messages WHERE endpoint_id = $1 AND delivered_at IS NULL`, [id]);
}

/** Live endpoints oldest first; `clients` null = every client's and the deployment-wide ones. */
export async function listEndpoints(
  tx: Queryable,
  q: { clients: readonly string[] | null; afterSeq?: string; limit: number },
): Promise<EndpointRow[]> {
  return tx.query<EndpointRow>(
    `SELECT ${ENDPOINT_COLUMNS} FROM events.endpoints
      WHERE deleted_at IS NULL AND ($1::text[] IS NULL OR client_id = ANY($1::text[]))
        AND ($2::bigint IS NULL OR seq > $2::bigint)
      ORDER BY seq LIMIT $3`,
    [q.clients, q.afterSeq ?? null, q.limit],
  );
}
