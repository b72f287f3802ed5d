import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change to `auth.api_keys` (a new key, a revocation, a re-scope, an operator's own SQL)
 * sends a notification on `strongroom_auth_keys` when its transaction commits, so every process
 * that caches keys drops its snapshot (see KeyChangeListener). A statement trigger: one
 * notification per statement is enough, since a listener reloads the whole snapshot.
 */
export class AuthKeyNotify1795350000000 implements MigrationInterface {
  name = 'AuthKeyNotify1795350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION auth.notify_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('strongroom_auth_keys', '');
        RETURN NULL;
      END $$;
      CREATE TRIGGER api_keys_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON auth.api_keys
        FOR EACH STATEMENT EXECUTE FUNCTION auth.notify_key_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER api_keys_notify ON auth.api_keys;
      DROP FUNCTION auth.notify_key_change();
    `);
  }
}
