import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Least privilege: the client registry, an owner and a client scope on every key, and the
 * maker–checker change requests.
 *
 * Existing keys: owner = their name (the only accountable label they had). Non-backend keys get
 * every client (clients NULL = 'all'), as before. Existing backend keys get an EMPTY client list:
 * they still authenticate but may act for no client until an operator scopes them
 * (`strongroom admin scope-key`), because no registry existed to say which clients they served and
 * guessing would grant more than was meant (fail closed).
 */
export class AuthLeastPrivilege1764700010000 implements MigrationInterface {
  name = 'AuthLeastPrivilege1764700010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth.clients (
        id          text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
        name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        custody     text NOT NULL CHECK (custody IN ('segregated', 'pooled')),
        status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        created_at  timestamptz NOT NULL DEFAULT now()
      );
      ALTER TABLE auth.api_keys ADD COLUMN owner text;
      ALTER TABLE auth.api_keys ADD COLUMN clients text[];
      UPDATE auth.api_keys SET owner = name;
      UPDATE auth.api_keys SET clients = '{}' WHERE role = 'backend';
      ALTER TABLE auth.api_keys ALTER COLUMN owner SET NOT NULL;
      ALTER TABLE auth.api_keys ADD CONSTRAINT api_keys_owner_len CHECK (length(owner) BETWEEN 1 AND 200);
      -- clients NULL means every client: never for a backend key; always for an admin key.
      ALTER TABLE auth.api_keys ADD CONSTRAINT api_keys_scope CHECK (
        (role <> 'backend' OR clients IS NOT NULL) AND (role <> 'admin' OR clients IS NULL)
      );
      CREATE TABLE auth.change_requests (
        id             text PRIMARY KEY CHECK (id ~ '^chg_[0-9a-f]{24}$'),
        api            text NOT NULL,
        kind           text NOT NULL,
        status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'executed', 'rejected', 'failed')),
        payload        jsonb NOT NULL,
        maker_key_id   text NOT NULL REFERENCES auth.api_keys (key_id),
        maker_owner    text NOT NULL,
        checker_key_id text REFERENCES auth.api_keys (key_id),
        checker_owner  text,
        result         jsonb,
        reason         text,
        created_at     timestamptz NOT NULL DEFAULT now(),
        decided_at     timestamptz,
        CHECK ((status = 'pending') = (decided_at IS NULL)),
        -- an executed change was approved by a different key of a different owner
        CHECK (status <> 'executed' OR (checker_key_id <> maker_key_id AND checker_owner <> maker_owner))
      );
      CREATE INDEX change_requests_status_idx ON auth.change_requests (status, created_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE auth.change_requests;
      ALTER TABLE auth.api_keys DROP CONSTRAINT api_keys_scope;
      ALTER TABLE auth.api_keys DROP COLUMN clients;
      ALTER TABLE auth.api_keys DROP COLUMN owner;
      DROP TABLE auth.clients;
    `);
  }
}
