import { AuthErrors, inClientScope, requireActiveClient, type Principal } from '@strongroom/api-auth';
import type { AuditLog } from '@strongroom/audit';
import type { Database, Tx } from '@strongroom/persistence';
import { decodeCursor, encodeCursor } from '@strongroom/shared-http';
import { domainError } from '@strongroom/shared-types';
import { z } from 'zod';
import { EventsErrors } from '../events.errors';
import { enqueue, type EnqueuedEvent } from '../outbox';
import {
  type Queryable,
  deleteEndpoint,
  findLiveEndpoint,
  insertEndpoint,
  listEndpoints,
  rotateEndpointSecret,
  updateEndpoint,
} from './endpoint-queries';
import {
  endpointOf,
  type EndpointRow,
  type NewWebhookEndpoint,
  type WebhookEndpoint,
  type WebhookEndpointChange,
  type WebhookEndpointWithSecret,
} from './webhook-endpoint';

/** A key may manage (or read) an endpoint of a client in its scope; a deployment-wide one needs every client. */
export function mayAccessEndpointsOf(p: Principal, clientId: string | null): boolean {
  return clientId === null ? p.clients === 'all' : inClientScope(p, clientId);
}

const listCursor = z.object({ seq: z.string().regex(/^[0-9]{1,19}$/) });

/**
 * Webhook endpoints of the clients in a key's scope. Another client's endpoint is answered as not
 * found (its id tells nothing); every change is audited in its transaction, without the secret.
 */
export class WebhookEndpoints {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditLog,
    private readonly clock: () => Date,
  ) {}

  async create(by: Principal, input: NewWebhookEndpoint): Promise<WebhookEndpointWithSecret> {
    if (!mayAccessEndpointsOf(by, input.clientId)) throw forbidden(input.clientId);
    return this.db.transaction(async (tx) => {
      if (input.clientId !== null) await requireActiveClient(tx, input.clientId);
      const { row, secret } = await insertEndpoint(tx, input, this.clock());
      await this.record(tx, by, 'webhook_endpoint.created', row);
      return { ...endpointOf(row, this.clock()), secret };
    });
  }

  async list(
    by: Principal,
    q: { clientId?: string; limit: number; cursor?: string },
  ): Promise<{ data: WebhookEndpoint[]; nextCursor: string | null }> {
    if (q.clientId !== undefined && !inClientScope(by, q.clientId)) throw forbidden(q.clientId);
    const clients = q.clientId !== undefined ? [q.clientId] : by.clients === 'all' ? null : by.clients;
    const afterSeq = q.cursor ? decodeCursor(listCursor, q.cursor).seq : undefined;
    const rows = await listEndpoints(this.db, { clients, afterSeq, limit: q.limit + 1 });
    const now = this.clock();
    const data = rows.slice(0, q.limit);
    return {
      data: data.map((r) => endpointOf(r, now)),
      nextCursor: rows.length > q.limit ? encodeCursor({ seq: String(data[data.length - 1].seq) }) : null,
    };
  }

  async get(by: Principal, id: string): Promise<WebhookEndpoint> {
    return endpointOf(await this.visible(this.db, by, id), this.clock());
  }

  async update(by: Principal, id: string, change: WebhookEndpointChange): Promise<WebhookEndpoint> {
    return this.db.transaction(async (tx) => {
      await this.visible(tx, by, id, true);
      const row = await updateEndpoint(tx, id, change, this.clock());
      await this.record(tx, by, 'webhook_endpoint.updated', row, { changed: Object.keys(change).sort() });
      return endpointOf(row, this.clock());
    });
  }

  async remove(by: Principal, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const row = await this.visible(tx, by, id, true);
      await deleteEndpoint(tx, id, this.clock());
      await this.record(tx, by, 'webhook_endpoint.deleted', row);
    });
  }

  async rotateSecret(by: Principal, id: string, overlapSeconds: number): Promise<WebhookEndpointWithSecret> {
    return this.db.transaction(async (tx) => {
      await this.visible(tx, by, id, true);
      const { row, secret } = await rotateEndpointSecret(tx, id, overlapSeconds, this.clock());
      await this.record(tx, by, 'webhook_endpoint.secret_rotated', row, { overlapSeconds });
      return { ...endpointOf(row, this.clock()), secret };
    });
  }

  /** Enqueues a `webhook.test` event for this endpoint only (its own subject, so it waits for nothing else). */
  async sendTest(by: Principal, id: string): Promise<EnqueuedEvent> {
    return this.db.transaction(async (tx) => {
      const row = await this.visible(tx, by, id);
      if (!row.enabled) throw disabled(id);
      return enqueue(tx, {
        type: 'webhook.test',
        subject: `webhook_endpoint:${id}`,
        payload: { endpointId: id, requestedBy: by.keyId },
        clientId: row.client_id,
        endpointId: id,
        at: this.clock(),
      });
    });
  }

  /** The endpoint if the key may see it; else 404, whether or not it exists. */
  async visible(tx: Queryable, by: Principal, id: string, lock = false): Promise<EndpointRow> {
    const row = await findLiveEndpoint(tx, id, lock);
    if (!row || !mayAccessEndpointsOf(by, row.client_id))
      throw domainError(EventsErrors['webhook.endpoint_not_found'], `no webhook endpoint ${id}`, { endpointId: id });
    return row;
  }

  /** Outside any transaction: for routes that go on to deliver (the POST must not hold a transaction). */
  async visibleEnabled(by: Principal, id: string): Promise<WebhookEndpoint> {
    const row = await this.visible(this.db, by, id);
    if (!row.enabled) throw disabled(id);
    return endpointOf(row, this.clock());
  }

  private record(
    tx: Tx,
    by: Principal,
    action: string,
    row: EndpointRow,
    extra: Record<string, unknown> = {},
  ): Promise<unknown> {
    return this.audit.append(tx, {
      actor: { id: by.keyId, role: by.role },
      action,
      subject: { type: 'webhook_endpoint', id: row.id },
      payload: {
        clientId: row.client_id,
        url: row.url,
        eventTypes: [...row.event_types],
        enabled: row.enabled,
        ...extra,
      },
    });
  }
}

function forbidden(clientId: string | null) {
  return domainError(
    AuthErrors['auth.forbidden_client'],
    clientId === null
      ? 'only a key of every client may manage deployment-wide endpoints'
      : 'this API key may not act for this client',
    { clientId },
  );
}

const disabled = (id: string) =>
  domainError(EventsErrors['webhook.endpoint_disabled'], `webhook endpoint ${id} is disabled`, { endpointId: id });
