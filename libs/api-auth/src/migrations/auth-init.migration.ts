import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys and the nonces that protect against replayed requests.
 *
 * `verifier` is the hex HMAC-SHA256(secret, "strongroom-request-v1") the client signs with; the
 * secret itself is never stored (see the lib README). Nonces live only as long as the replay
 * window of the request that used them (`expires_at`, unix ms) and are purged after.
 */
export class AuthInit1763800200000 implements MigrationInterface {
  name = 'AuthInit1763800200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE SCHEMA IF NOT EXISTS auth;
      CREATE TABLE auth.api_keys (
        key_id      text PRIMARY KEY CHECK (key_id ~ '^srk_[0-9a-f]{24}$'),
        name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        role        text NOT NULL CHECK (role IN ('backend', 'approver', 'auditor', 'admin')),
        verifier    text NOT NULL CHECK (verifier ~ '^[0-9a-f]{64}$'),
        created_at  timestamptz NOT NULL DEFAULT now(),
        revoked_at  timestamptz
      );
      CREATE INDEX api_keys_role_idx ON auth.api_keys (role);
      CREATE TABLE auth.nonces (
        key_id      text NOT NULL REFERENCES auth.api_keys (key_id),
        nonce       text NOT NULL,
        expires_at  int8 NOT NULL,
        PRIMARY KEY (key_id, nonce)
      );
      CREATE INDEX nonces_expires_at_idx ON auth.nonces (expires_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE auth.nonces; DROP TABLE auth.api_keys;');
  }
}
