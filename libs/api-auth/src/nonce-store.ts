import type { Queryable } from './api-keys';

/**
 * Records a nonce for a key; false if that key already used it within the replay window.
 * The primary key (key_id, nonce) makes this atomic across replicas.
 */
export async function recordNonce(db: Queryable, keyId: string, nonce: string, expiresAtMs: number): Promise<boolean> {
  const rows = await db.query<{ nonce: string }>(
    'INSERT INTO auth.nonces (key_id, nonce, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING nonce',
    [keyId, nonce, String(expiresAtMs)],
  );
  return rows.length === 1;
}

/**
 * Deletes nonces whose window has closed: a request carrying one would be refused as stale
 * anyway, so forgetting them keeps the table at one window's worth of requests.
 */
export async function purgeExpiredNonces(db: Queryable, nowMs: number = Date.now()): Promise<number> {
  const [row] = await db.query<{ n: string }>(
    'WITH gone AS (DELETE FROM auth.nonces WHERE expires_at < $1 RETURNING 1) SELECT count(*) AS n FROM gone',
    [String(nowMs)],
  );
  return Number(row.n);
}
