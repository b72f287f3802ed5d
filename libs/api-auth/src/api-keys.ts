import { randomBytes } from 'node:crypto';
import { badRequest, notFound, ROLES, type Role } from '@strongroom/shared-types';
import { invalidateKeyCache } from './key-cache';
import { signingKeyOf, type ApiCredentials } from './signature';

/** Anything that runs a statement: a `Database` or a transaction's `Tx`. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** An authenticated caller, as `@CurrentPrincipal()` gives it to a handler. */
export interface Principal {
  keyId: string;
  name: string;
  role: Role;
}

export interface ApiKeyInfo extends Principal {
  /** ISO 8601. */
  createdAt: string;
  revokedAt: string | null;
}

/** What the guard needs to check a request: the verification key, never the secret. */
export interface StoredApiKey extends Principal {
  verifier: string;
  revoked: boolean;
}

const KEY_ID = /^srk_[0-9a-f]{24}$/;

export const isKeyIdFormat = (s: string): boolean => KEY_ID.test(s);

/**
 * Creates an API key and returns its secret, which is not stored and cannot be shown again:
 * the database keeps only HMAC-SHA256(secret, label), the key requests are signed with.
 */
export async function createApiKey(db: Queryable, input: { name: string; role: Role }): Promise<ApiCredentials> {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name.length < 1 || name.length > 200) throw badRequest('auth.invalid_name', 'an API key name must be 1 to 200 characters');
  if (!ROLES.includes(input.role)) throw badRequest('auth.invalid_role', `role must be one of ${ROLES.join(', ')}`, { roles: ROLES });
  const keyId = `srk_${randomBytes(12).toString('hex')}`;
  const secret = `srs_${randomBytes(32).toString('base64url')}`;
  await db.query('INSERT INTO auth.api_keys (key_id, name, role, verifier) VALUES ($1, $2, $3, $4)', [
    keyId,
    name,
    input.role,
    signingKeyOf(secret),
  ]);
  return { keyId, secret };
}

/**
 * Revokes a key from now on; revoking twice keeps the first revocation time. Revoke only
 * through this function: it also drops this process's cached keys.
 */
export async function revokeApiKey(db: Queryable, keyId: string): Promise<void> {
  const rows = await db.query<{ key_id: string }>(
    'UPDATE auth.api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE key_id = $1 RETURNING key_id',
    [keyId],
  );
  invalidateKeyCache();
  if (rows.length === 0) throw notFound('auth.key_not_found', `no API key ${keyId}`, { keyId });
}

interface KeyRow {
  key_id: string;
  name: string;
  role: Role;
  created_at: Date | string;
  revoked_at: Date | string | null;
}

const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();

/** Every key, oldest first, without any secret material. */
export async function listApiKeys(db: Queryable): Promise<ApiKeyInfo[]> {
  const rows = await db.query<KeyRow>('SELECT key_id, name, role, created_at, revoked_at FROM auth.api_keys ORDER BY created_at, key_id');
  return rows.map((r) => ({
    keyId: r.key_id,
    name: r.name,
    role: r.role,
    createdAt: iso(r.created_at),
    revokedAt: r.revoked_at === null ? null : iso(r.revoked_at),
  }));
}

export async function findApiKey(db: Queryable, keyId: string): Promise<StoredApiKey | undefined> {
  if (!isKeyIdFormat(keyId)) return undefined;
  const [row] = await db.query<{ key_id: string; name: string; role: Role; verifier: string; revoked: boolean }>(
    'SELECT key_id, name, role, verifier, revoked_at IS NOT NULL AS revoked FROM auth.api_keys WHERE key_id = $1',
    [keyId],
  );
  return row && { keyId: row.key_id, name: row.name, role: row.role, verifier: row.verifier, revoked: row.revoked };
}

/**
 * Creates the first admin key if no admin key was ever created, and returns it (to be printed
 * once); returns null otherwise. A revoked admin key counts: revoking every admin key must not
 * make the next start mint a fresh one into the logs — recover with `strongroom admin create-key`.
 * The advisory lock keeps replicas starting together from minting two.
 */
export async function ensureFirstAdminKey(
  db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> },
  name = 'first admin',
): Promise<ApiCredentials | null> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(7324502)');
    const [row] = await tx.query<{ n: string }>("SELECT count(*) AS n FROM auth.api_keys WHERE role = 'admin'");
    if (Number(row.n) > 0) return null;
    return createApiKey(tx, { name, role: 'admin' });
  });
}
