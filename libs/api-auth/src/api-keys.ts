import { randomBytes } from 'node:crypto';
import { domainError, type Role, ROLES } from '@strongroom/shared-types';
import { isClientIdFormat, requireClient } from './clients/clients';
import { invalidateKeyCache } from './key-cache';
import type { ClientScope, Principal, StoredApiKey } from './principal';
import type { Queryable } from './queryable';
import { signingKeyOf, type ApiCredentials } from './signature';
import { safeLabel } from './text-rules';
import { AuthErrors } from './auth.errors';

export type { Queryable } from './queryable';
export type { ClientScope, Principal } from './principal';

export interface ApiKeyInfo extends Principal {
  /** ISO 8601. */
  createdAt: string;
  revokedAt: string | null;
}

export interface NewApiKey {
  name: string;
  role: Role;
  /** The accountable person or team; defaults to the name (tests, old callers). HTTP requires it. */
  owner?: string;
  /** Client ids or 'all'. Required (non-empty) for backend; admin is always 'all'; others default to 'all'. */
  clients?: ClientScope;
}

const KEY_ID = /^srk_[0-9a-f]{24}$/;
const MAX_CLIENTS = 1000;

export const isKeyIdFormat = (s: string): boolean => KEY_ID.test(s);

/** Checks a new key's fields (400 codes), without touching the database. */
export function parseNewApiKey(input: NewApiKey): Required<NewApiKey> {
  const name = safeLabel(input.name, AuthErrors['auth.invalid_name'], 'an API key name');
  if (!ROLES.includes(input.role))
    throw domainError(AuthErrors['auth.invalid_role'], `role must be one of ${ROLES.join(', ')}`, { roles: ROLES });
  const owner = safeLabel(input.owner ?? name, AuthErrors['auth.invalid_owner'], 'an API key owner');
  return { name, role: input.role, owner, clients: parseScope(input.role, input.clients) };
}

function parseScope(role: Role, clients: unknown): ClientScope {
  const invalid = (detail: string) => domainError(AuthErrors['auth.invalid_clients'], detail);
  if (clients === undefined) {
    if (role === 'backend') throw invalid('a backend key must name the clients it acts for (a non-empty list)');
    return 'all';
  }
  if (clients === 'all') {
    if (role === 'backend') throw invalid("a backend key may not have 'all' clients: name them");
    return 'all';
  }
  if (role === 'admin') throw invalid("an admin key serves every client: clients must be 'all'");
  if (!Array.isArray(clients) || clients.length === 0 || clients.length > MAX_CLIENTS) {
    throw invalid(`clients must be 'all' or a list of 1 to ${MAX_CLIENTS} client ids`);
  }
  const bad = clients.find((c) => !isClientIdFormat(c));
  if (bad !== undefined) throw invalid('clients must be client ids');
  return [...new Set(clients as string[])].sort();
}

/**
 * Creates an API key and returns its secret, which is not stored and cannot be shown again:
 * the database keeps only HMAC-SHA256(secret, label), the key requests are signed with. Every
 * client in a list must exist (404 `client.not_found`); a backend key's clients must be active.
 */
export async function createApiKey(db: Queryable, input: NewApiKey): Promise<ApiCredentials> {
  const k = parseNewApiKey(input);
  if (k.clients !== 'all') {
    for (const id of k.clients) {
      const client = await requireClient(db, id);
      if (k.role === 'backend' && client.status !== 'active')
        throw domainError(AuthErrors['client.suspended'], 'this client is suspended', { clientId: id });
    }
  }
  const keyId = `srk_${randomBytes(12).toString('hex')}`;
  const secret = `srs_${randomBytes(32).toString('base64url')}`;
  await db.query(
    'INSERT INTO auth.api_keys (key_id, name, role, owner, clients, verifier) VALUES ($1, $2, $3, $4, $5, $6)',
    [keyId, k.name, k.role, k.owner, k.clients === 'all' ? null : [...k.clients], signingKeyOf(secret)],
  );
  // A snapshot cache (PGlite) must see the new key at once.
  invalidateKeyCache();
  return { keyId, secret };
}

/**
 * Revokes a key from now on; revoking twice keeps the first revocation time. Revoke only
 * through this function: it also drops this process's cached keys.
 */
export async function revokeApiKey(db: Queryable, keyId: string): Promise<void> {
  if (!isKeyIdFormat(keyId)) throw domainError(AuthErrors['auth.key_not_found'], 'no such API key', { keyId });
  const rows = await db.query<{ key_id: string }>(
    'UPDATE auth.api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE key_id = $1 RETURNING key_id',
    [keyId],
  );
  invalidateKeyCache();
  if (rows.length === 0) throw domainError(AuthErrors['auth.key_not_found'], `no API key ${keyId}`, { keyId });
}

/** Re-scopes a key (CLI, for backend keys carried over from before client scopes). */
export async function setApiKeyClients(db: Queryable, keyId: string, clients: ClientScope): Promise<void> {
  const [row] = isKeyIdFormat(keyId)
    ? await db.query<{ role: Role }>('SELECT role FROM auth.api_keys WHERE key_id = $1', [keyId])
    : [];
  if (!row) throw domainError(AuthErrors['auth.key_not_found'], 'no such API key', { keyId });
  const scope = parseScope(row.role, clients);
  if (scope !== 'all') for (const id of scope) await requireClient(db, id);
  await db.query('UPDATE auth.api_keys SET clients = $2 WHERE key_id = $1', [
    keyId,
    scope === 'all' ? null : [...scope],
  ]);
  invalidateKeyCache();
}

interface KeyRow {
  key_id: string;
  name: string;
  role: Role;
  owner: string;
  clients: string[] | null;
  verifier: string;
  revoked: boolean;
  created_at: Date | string;
  revoked_at: Date | string | null;
}

const COLUMNS =
  'key_id, name, role, owner, clients, verifier, revoked_at IS NOT NULL AS revoked, created_at, revoked_at';
const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();
const principalOf = (r: KeyRow): Principal => ({
  keyId: r.key_id,
  name: r.name,
  role: r.role,
  owner: r.owner,
  clients: r.clients === null ? 'all' : r.clients,
});
const storedOf = (r: KeyRow): StoredApiKey => ({ ...principalOf(r), verifier: r.verifier, revoked: r.revoked });

/**
 * Keys oldest first, without any secret material: every key, or `limit` of them after the key
 * `after` (keys are never deleted, so a key id is a stable position).
 */
export async function listApiKeys(db: Queryable, page: { after?: string; limit?: number } = {}): Promise<ApiKeyInfo[]> {
  const rows = await db.query<KeyRow>(
    `SELECT ${COLUMNS} FROM auth.api_keys
     WHERE $1::text IS NULL OR (created_at, key_id) > (SELECT created_at, key_id FROM auth.api_keys WHERE key_id = $1)
     ORDER BY created_at, key_id LIMIT $2`,
    [page.after ?? null, page.limit ?? null],
  );
  return rows.map((r) => ({
    ...principalOf(r),
    createdAt: iso(r.created_at),
    revokedAt: r.revoked_at === null ? null : iso(r.revoked_at),
  }));
}

export async function findApiKey(db: Queryable, keyId: string): Promise<StoredApiKey | undefined> {
  if (!isKeyIdFormat(keyId)) return undefined;
  const [row] = await db.query<KeyRow>(`SELECT ${COLUMNS} FROM auth.api_keys WHERE key_id = $1`, [keyId]);
  return row && storedOf(row);
}

/** Every key with its verifier (the guard's snapshot cache). */
export async function loadAllApiKeys(db: Queryable): Promise<Map<string, StoredApiKey>> {
  const rows = await db.query<KeyRow>(`SELECT ${COLUMNS} FROM auth.api_keys`);
  return new Map(rows.map((r) => [r.key_id, storedOf(r)]));
}

export interface FirstAdminKey extends ApiCredentials {
  name: string;
  owner: string;
}

type TxRunner = { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> };

/**
 * Creates the first admin keys, one per owner, if no admin key was ever created, and returns them
 * (to be printed once); returns null otherwise. A revoked admin key counts: revoking every admin
 * key must not make the next start mint fresh ones into the logs — recover with
 * `strongroom admin create-key`. The advisory lock keeps replicas starting together from minting
 * twice. Dual control needs two admins of distinct owners, so the embedded default mints two.
 */
export async function ensureFirstAdminKeys(
  db: TxRunner,
  owners: readonly string[] = ['first admin 1', 'first admin 2'],
): Promise<FirstAdminKey[] | null> {
  if (owners.length === 0 || new Set(owners).size !== owners.length)
    throw new Error('ensureFirstAdminKeys needs distinct owners');
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(7324502)');
    const [row] = await tx.query<{ n: string }>("SELECT count(*) AS n FROM auth.api_keys WHERE role = 'admin'");
    if (Number(row.n) > 0) return null;
    const made: FirstAdminKey[] = [];
    for (const owner of owners)
      made.push({
        ...(await createApiKey(tx, { name: owner, role: 'admin', owner, clients: 'all' })),
        name: owner,
        owner,
      });
    return made;
  });
}

/**
 * One first admin key (a standalone app: its second admin, needed for dual control, is minted
 * with `strongroom admin create-key`, which is the operator's direct, audited path).
 */
export async function ensureFirstAdminKey(db: TxRunner, name = 'first admin'): Promise<ApiCredentials | null> {
  const made = await ensureFirstAdminKeys(db, [name]);
  return made && { keyId: made[0].keyId, secret: made[0].secret };
}
