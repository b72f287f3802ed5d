import { domainError } from '@strongroom/shared-types';
import type { Queryable } from '../queryable';
import { safeLabel } from '../text-rules';
import { AuthErrors } from '../auth.errors';

export type ClientCustody = 'segregated' | 'pooled';
export type ClientStatus = 'active' | 'suspended';
export const CLIENT_CUSTODY: readonly ClientCustody[] = ['segregated', 'pooled'];
export const CLIENT_STATUS: readonly ClientStatus[] = ['active', 'suspended'];

/** A client of the custody service (an exchange, a fund…), as registered by admins. */
export interface Client {
  id: string;
  name: string;
  custody: ClientCustody;
  status: ClientStatus;
  createdAt: string;
}

/** Client ids: what deposit tags and ledger accounts carry (no '/', no spaces, ≤ 64 chars). */
export const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const isClientIdFormat = (s: unknown): s is string => typeof s === 'string' && CLIENT_ID.test(s);
/** The service's own accounts (custody, in_flight, fees…) live under this client id; no client may take it. */
export const RESERVED_CLIENT_IDS: readonly string[] = ['operator'];

interface ClientRow {
  id: string;
  name: string;
  custody: ClientCustody;
  status: ClientStatus;
  created_at: Date | string;
}

const toClient = (r: ClientRow): Client => ({
  id: r.id,
  name: r.name,
  custody: r.custody,
  status: r.status,
  createdAt: (r.created_at instanceof Date ? r.created_at : new Date(r.created_at)).toISOString(),
});

/** The client, or undefined if unknown (an id that is not even well formed is unknown too). */
export async function findClient(db: Queryable, id: string): Promise<Client | undefined> {
  if (!isClientIdFormat(id)) return undefined;
  const [row] = await db.query<ClientRow>(
    'SELECT id, name, custody, status, created_at FROM auth.clients WHERE id = $1',
    [id],
  );
  return row && toClient(row);
}

/** 404 `client.not_found` if unknown. */
export async function requireClient(db: Queryable, id: string): Promise<Client> {
  const client = await findClient(db, id);
  if (!client) throw domainError(AuthErrors['client.not_found'], 'no such client', { clientId: id });
  return client;
}

/**
 * For writes: 404 `client.not_found` if unknown, 422 `client.suspended` if suspended. Call it inside
 * the write transaction when a request names a client, so a client id never opens a new namespace.
 */
export async function requireActiveClient(db: Queryable, id: string): Promise<Client> {
  const client = await requireClient(db, id);
  if (client.status !== 'active')
    throw domainError(AuthErrors['client.suspended'], 'this client is suspended', { clientId: id });
  return client;
}

export interface NewClient {
  id: string;
  name: string;
  custody: ClientCustody;
}

/** Validates a new client's fields (400 `client.invalid`); used at propose time and by createClient. */
export function parseNewClient(input: unknown): NewClient {
  const o = (input ?? {}) as Record<string, unknown>;
  if (!isClientIdFormat(o.id))
    throw domainError(
      AuthErrors['client.invalid'],
      'client id must be 1 to 64 of [A-Za-z0-9._-], starting with a letter or digit',
    );
  if (RESERVED_CLIENT_IDS.includes(o.id))
    throw domainError(AuthErrors['client.reserved'], `client id ${o.id} is reserved for the service's own accounts`);
  if (!CLIENT_CUSTODY.includes(o.custody as ClientCustody))
    throw domainError(AuthErrors['client.invalid'], `custody must be one of ${CLIENT_CUSTODY.join(', ')}`);
  return {
    id: o.id,
    name: safeLabel(o.name, AuthErrors['client.invalid'], 'client name'),
    custody: o.custody as ClientCustody,
  };
}

/** Creates a client directly (tests, the CLI, dual-control executors); 409 `client.exists` if the id is taken. */
export async function createClient(db: Queryable, input: NewClient): Promise<Client> {
  const c = parseNewClient(input);
  const rows = await db.query<ClientRow>(
    `INSERT INTO auth.clients (id, name, custody) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING
     RETURNING id, name, custody, status, created_at`,
    [c.id, c.name, c.custody],
  );
  if (rows.length === 0)
    throw domainError(AuthErrors['client.exists'], 'a client with this id exists', { clientId: c.id });
  return toClient(rows[0]);
}

/** Creates the client unless it exists (tests and bootstrap); returns it either way. */
export async function ensureClient(db: Queryable, input: NewClient): Promise<Client> {
  return (await findClient(db, input.id)) ?? createClient(db, input);
}

export interface ClientChange {
  custody?: ClientCustody;
  status?: ClientStatus;
  name?: string;
}

export function parseClientChange(input: unknown): ClientChange {
  const o = (input ?? {}) as Record<string, unknown>;
  const out: ClientChange = {};
  if (o.custody !== undefined) {
    if (!CLIENT_CUSTODY.includes(o.custody as ClientCustody))
      throw domainError(AuthErrors['client.invalid'], `custody must be one of ${CLIENT_CUSTODY.join(', ')}`);
    out.custody = o.custody as ClientCustody;
  }
  if (o.status !== undefined) {
    if (!CLIENT_STATUS.includes(o.status as ClientStatus))
      throw domainError(AuthErrors['client.invalid'], `status must be one of ${CLIENT_STATUS.join(', ')}`);
    out.status = o.status as ClientStatus;
  }
  if (o.name !== undefined) out.name = safeLabel(o.name, AuthErrors['client.invalid'], 'client name');
  if (Object.keys(out).length === 0)
    throw domainError(AuthErrors['client.invalid'], 'nothing to change: give custody, status or name');
  return out;
}

/** Applies a change to a known client (404 otherwise) and returns it as it now is. */
export async function updateClient(db: Queryable, id: string, change: ClientChange): Promise<Client> {
  if (!isClientIdFormat(id)) throw domainError(AuthErrors['client.not_found'], 'no such client', { clientId: id });
  const rows = await db.query<ClientRow>(
    `UPDATE auth.clients SET custody = COALESCE($2, custody), status = COALESCE($3, status), name = COALESCE($4, name)
     WHERE id = $1 RETURNING id, name, custody, status, created_at`,
    [id, change.custody ?? null, change.status ?? null, change.name ?? null],
  );
  if (rows.length === 0) throw domainError(AuthErrors['client.not_found'], 'no such client', { clientId: id });
  return toClient(rows[0]);
}

/** Clients by id: every one, or only those in `ids` (a scoped auditor); `limit` of them after the id `after`. */
export async function listClients(
  db: Queryable,
  ids: readonly string[] | 'all' = 'all',
  page: { after?: string; limit?: number } = {},
): Promise<Client[]> {
  if (ids !== 'all' && ids.length === 0) return [];
  const rows = await db.query<ClientRow>(
    `SELECT id, name, custody, status, created_at FROM auth.clients
     WHERE ($1::text[] IS NULL OR id = ANY($1::text[])) AND ($2::text IS NULL OR id > $2)
     ORDER BY id LIMIT $3`,
    [ids === 'all' ? null : [...ids], page.after ?? null, page.limit ?? null],
  );
  return rows.map(toClient);
}
