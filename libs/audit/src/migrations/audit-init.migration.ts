import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `audit` schema: hash-chained entries that the database itself keeps append-only.
 * - `entries` refuses UPDATE, DELETE and TRUNCATE (triggers; a superuser who disables them is
 *   caught by `verify()`, which recomputes the chain).
 * - `head` holds the last seq and hash; it is locked by each appender (one chain, in commit
 *   order) and moved only by the insert trigger, which also refuses an entry that does not
 *   extend the head.
 */
export class AuditInit1795322032770 implements MigrationInterface {
  name = 'AuditInit1795322032770';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE SCHEMA IF NOT EXISTS audit;

      CREATE TABLE audit.entries (
        seq          bigint PRIMARY KEY CHECK (seq > 0),
        at           timestamptz NOT NULL,
        actor_id     text NOT NULL CHECK (actor_id <> ''),
        actor_role   text NOT NULL CHECK (actor_role <> ''),
        action       text NOT NULL CHECK (action <> ''),
        subject_type text NOT NULL CHECK (subject_type <> ''),
        subject_id   text NOT NULL CHECK (subject_id <> ''),
        payload      jsonb NOT NULL,
        payload_hash text NOT NULL CHECK (payload_hash ~ '^[0-9a-f]{64}$'),
        prev_hash    text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
        hash         text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$')
      );
      CREATE INDEX entries_by_subject ON audit.entries (subject_type, subject_id, seq);

      CREATE TABLE audit.head (
        id   smallint PRIMARY KEY CHECK (id = 1),
        seq  bigint NOT NULL,
        hash text NOT NULL
      );
      INSERT INTO audit.head (id, seq, hash) VALUES (1, 0, repeat('0', 64));

      CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit.% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;

      CREATE FUNCTION audit.link_entry() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        head_seq bigint;
        head_hash text;
      BEGIN
        SELECT seq, hash INTO head_seq, head_hash FROM audit.head WHERE id = 1 FOR UPDATE;
        IF NEW.seq <> head_seq + 1 OR NEW.prev_hash <> head_hash THEN
          RAISE EXCEPTION 'audit entry % does not extend the chain head (seq %)', NEW.seq, head_seq USING ERRCODE = 'serialization_failure';
        END IF;
        UPDATE audit.head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
        RETURN NEW;
      END $$;

      CREATE FUNCTION audit.guard_head() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Only the insert trigger (one level down) may move the head.
        IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit.head moves only when an entry is appended: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;

      CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON audit.entries
        FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
      CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON audit.entries
        FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
      CREATE TRIGGER entries_link BEFORE INSERT ON audit.entries
        FOR EACH ROW EXECUTE FUNCTION audit.link_entry();
      CREATE TRIGGER head_guard BEFORE INSERT OR UPDATE OR DELETE ON audit.head
        FOR EACH ROW EXECUTE FUNCTION audit.guard_head();
      CREATE TRIGGER head_no_truncate BEFORE TRUNCATE ON audit.head
        FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP SCHEMA IF EXISTS audit CASCADE');
  }
}
