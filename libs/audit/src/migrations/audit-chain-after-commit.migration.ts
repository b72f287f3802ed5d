import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Entries are linked into the chain after their writers commit, by one chainer, instead of each
 * writer locking `audit.head` until it commits (which put every audited write in one line).
 *
 * - `entries.id` (identity) names an entry from its insert on; `xact` is the inserting
 *   transaction (set by the insert trigger), the chainer's order key; `seq`, `prev_hash` and
 *   `hash` stay NULL until the chainer links the entry. Existing entries keep their seq as id.
 * - Insert: only unchained, with the database's clock and transaction id (trigger `admit_entry`).
 * - Update: only the one-time link of an unchained entry, every other column unchanged
 *   (`link_once`); per statement, the linked entries must continue the head without a gap or a
 *   broken link, and the head moves to the last of them (`extend_head`). Delete and truncate
 *   stay refused; the head still moves only from inside these triggers.
 * - `entries_unchained` indexes just the unchained tail, so finding it costs its size, not the log's.
 */
export class AuditChainAfterCommit1795341207731 implements MigrationInterface {
  name = 'AuditChainAfterCommit1795341207731';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER entries_link ON audit.entries;
      DROP FUNCTION audit.link_entry();
      DROP TRIGGER entries_append_only ON audit.entries;

      ALTER TABLE audit.entries ADD COLUMN id bigint, ADD COLUMN xact xid8;
      UPDATE audit.entries SET id = seq, xact = '0';
      ALTER TABLE audit.entries DROP CONSTRAINT entries_pkey;
      ALTER TABLE audit.entries
        ALTER COLUMN id SET NOT NULL,
        ALTER COLUMN xact SET NOT NULL,
        ALTER COLUMN xact SET DEFAULT pg_current_xact_id(),
        ALTER COLUMN at SET DEFAULT date_trunc('milliseconds', clock_timestamp()),
        ALTER COLUMN seq DROP NOT NULL,
        ALTER COLUMN prev_hash DROP NOT NULL,
        ALTER COLUMN hash DROP NOT NULL,
        ADD PRIMARY KEY (id),
        ADD CONSTRAINT entries_seq_key UNIQUE (seq),
        ADD CONSTRAINT entries_linked_whole CHECK ((seq IS NULL) = (prev_hash IS NULL) AND (seq IS NULL) = (hash IS NULL));
      ALTER TABLE audit.entries ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
      SELECT setval(pg_get_serial_sequence('audit.entries', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM audit.entries), false);
      CREATE INDEX entries_unchained ON audit.entries (xact, id) WHERE seq IS NULL;

      CREATE FUNCTION audit.admit_entry() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.seq IS NOT NULL OR NEW.prev_hash IS NOT NULL OR NEW.hash IS NOT NULL THEN
          RAISE EXCEPTION 'audit entries are inserted unchained: the chainer links them after commit' USING ERRCODE = 'insufficient_privilege';
        END IF;
        NEW.xact := pg_current_xact_id();
        NEW.at := date_trunc('milliseconds', clock_timestamp());
        RETURN NEW;
      END $$;

      CREATE FUNCTION audit.link_once() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.seq IS NOT NULL THEN
          RAISE EXCEPTION 'audit.entries is append-only: entry % is chained, UPDATE refused', OLD.seq USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.seq IS NULL
           OR (NEW.id, NEW.xact, NEW.at, NEW.actor_id, NEW.actor_role, NEW.action, NEW.subject_type, NEW.subject_id, NEW.payload, NEW.payload_hash)
              IS DISTINCT FROM
              (OLD.id, OLD.xact, OLD.at, OLD.actor_id, OLD.actor_role, OLD.action, OLD.subject_type, OLD.subject_id, OLD.payload, OLD.payload_hash) THEN
          RAISE EXCEPTION 'audit.entries is append-only: an unchained entry may only be linked into the chain, UPDATE refused' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$;

      CREATE FUNCTION audit.extend_head() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        head_seq bigint;
        head_hash text;
        broken bigint;
        top record;
      BEGIN
        SELECT seq, hash INTO head_seq, head_hash FROM audit.head WHERE id = 1 FOR UPDATE;
        SELECT l.seq INTO broken FROM (
          SELECT seq, prev_hash, lag(hash) OVER w AS before, row_number() OVER w AS n FROM linked WINDOW w AS (ORDER BY seq)
        ) l WHERE l.seq <> head_seq + l.n OR l.prev_hash <> coalesce(l.before, head_hash) ORDER BY l.seq LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'audit entry % does not extend the chain head (seq %)', broken, head_seq USING ERRCODE = 'serialization_failure';
        END IF;
        SELECT seq, hash INTO top FROM linked ORDER BY seq DESC LIMIT 1;
        IF FOUND THEN
          UPDATE audit.head SET seq = top.seq, hash = top.hash WHERE id = 1;
        END IF;
        RETURN NULL;
      END $$;

      CREATE TRIGGER entries_admit BEFORE INSERT ON audit.entries
        FOR EACH ROW EXECUTE FUNCTION audit.admit_entry();
      CREATE TRIGGER entries_link_once BEFORE UPDATE ON audit.entries
        FOR EACH ROW EXECUTE FUNCTION audit.link_once();
      CREATE TRIGGER entries_extend_head AFTER UPDATE ON audit.entries
        REFERENCING NEW TABLE AS linked FOR EACH STATEMENT EXECUTE FUNCTION audit.extend_head();
      CREATE TRIGGER entries_append_only BEFORE DELETE ON audit.entries
        FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
    `);
  }

  /** Back to linking at insert; refused while entries wait for the chainer (they would have no seq). */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM audit.entries WHERE seq IS NULL) THEN
          RAISE EXCEPTION 'audit entries are still unchained: let the chainer link them first';
        END IF;
      END $$;
      DROP TRIGGER entries_admit ON audit.entries;
      DROP TRIGGER entries_link_once ON audit.entries;
      DROP TRIGGER entries_extend_head ON audit.entries;
      DROP TRIGGER entries_append_only ON audit.entries;
      DROP FUNCTION audit.admit_entry();
      DROP FUNCTION audit.link_once();
      DROP FUNCTION audit.extend_head();
      DROP INDEX audit.entries_unchained;
      ALTER TABLE audit.entries DROP CONSTRAINT entries_pkey, DROP CONSTRAINT entries_seq_key, DROP CONSTRAINT entries_linked_whole;
      ALTER TABLE audit.entries ALTER COLUMN at DROP DEFAULT, DROP COLUMN id, DROP COLUMN xact,
        ALTER COLUMN seq SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL,
        ADD PRIMARY KEY (seq);

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
      CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON audit.entries
        FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
      CREATE TRIGGER entries_link BEFORE INSERT ON audit.entries
        FOR EACH ROW EXECUTE FUNCTION audit.link_entry();
    `);
  }
}
