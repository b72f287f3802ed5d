import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APPLY_BATCH_V2, APPLY_FAST_V2, READ_BATCH_V2 } from './batch-functions-v2';
import { BATCH_FUNCTIONS_V1 } from './ledger-init.migration';

/**
 * The commit-order sequence is stamped after commit by one sequencer instead of every writer
 * locking `ledger.sequencer` until it commits (which put every ledger write in one line).
 *
 * - A batch (one `apply_batch` or `apply_fast` call) writes one `batches` row: its `ticket`
 *   (taken from a sequence when it writes, after its reads), its size, its transaction and when
 *   it was written. Its transfers carry `(ticket, ord)`; their sequence is
 *   `first_sequence + ord - 1` once the batch is stamped. Existing transfers become one stamped
 *   batch each.
 * - `stamp_round()` stamps, under the sequencer row's lock (only stampers take it), the unstamped
 *   batches its snapshot sees, whole transactions in the order of their last ticket; `stamp()` is
 *   the sequencer's statement, and a writer in its own transaction runs a round inline when the
 *   row is free (SKIP LOCKED). `apply_fast` writes a batch planned without reading, checking its
 *   flags set-based. `batches_stamp_once` lets a batch be stamped once and nothing else change;
 *   `batches_extend_sequence` checks that one statement's stamps continue the sequence without a
 *   gap and moves the sequencer. A round commits whole or not at all.
 * - Account rows are locked in id order by the write (writers now update them concurrently) and
 *   must all exist; accounts can no longer be deleted, which is what lets the per-row foreign
 *   keys of `transfers` go (one set-based check per batch instead of three triggers per row).
 */
export class LedgerSequenceAfterCommit1795341300000 implements MigrationInterface {
  name = 'LedgerSequenceAfterCommit1795341300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION ledger.refuse_account_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger accounts are never deleted: close them' USING ERRCODE = 'restrict_violation';
      END $$;
      CREATE TRIGGER accounts_never_deleted BEFORE DELETE ON ledger.accounts
        FOR EACH ROW EXECUTE FUNCTION ledger.refuse_account_delete();
      CREATE TRIGGER accounts_no_truncate BEFORE TRUNCATE ON ledger.accounts
        FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_account_delete();

      ALTER TABLE ledger.transfers
        DROP CONSTRAINT transfers_debit_account_id_fkey,
        DROP CONSTRAINT transfers_credit_account_id_fkey,
        DROP CONSTRAINT transfers_pending_id_fkey,
        DROP CONSTRAINT transfers_sequence_unique;
      DROP INDEX ledger.transfers_debit_seq;
      DROP INDEX ledger.transfers_credit_seq;
      DROP INDEX ledger.transfers_created_at;
      ALTER TABLE ledger.transfers RENAME COLUMN sequence TO ticket;
      ALTER TABLE ledger.transfers ADD COLUMN ord integer NOT NULL DEFAULT 1;
      ALTER TABLE ledger.transfers ALTER COLUMN ord DROP DEFAULT;
      CREATE INDEX transfers_debit_ticket ON ledger.transfers (debit_account_id, ticket) INCLUDE (ord, pending_delta, posted_delta);
      CREATE INDEX transfers_credit_ticket ON ledger.transfers (credit_account_id, ticket) INCLUDE (ord, pending_delta, posted_delta);

      CREATE TABLE ledger.batches (
        ticket bigint PRIMARY KEY,
        size integer NOT NULL CHECK (size > 0),
        xact xid8 NOT NULL,
        written_at timestamptz NOT NULL,
        first_sequence bigint CHECK (first_sequence > 0),
        -- The latest written_at of every batch up to this one in the sequence: monotone, so
        -- "as of a time" is a prefix of the sequence, found by one index probe.
        written_upto timestamptz,
        sequenced_at timestamptz,
        CONSTRAINT batches_first_sequence_unique UNIQUE (first_sequence),
        CONSTRAINT batches_stamped_whole CHECK ((first_sequence IS NULL) = (written_upto IS NULL) AND (first_sequence IS NULL) = (sequenced_at IS NULL))
      );
      -- The sequencer's work list: only the unstamped tail, so a round costs its size, not the ledger's.
      CREATE INDEX batches_unstamped ON ledger.batches (ticket) INCLUDE (xact, size) WHERE first_sequence IS NULL;
      CREATE INDEX batches_written_upto ON ledger.batches (written_upto, first_sequence) WHERE first_sequence IS NOT NULL;
      INSERT INTO ledger.batches (ticket, size, xact, written_at, first_sequence, written_upto, sequenced_at)
        SELECT ticket, 1, '0'::xid8, created_at, ticket, created_at, created_at FROM ledger.transfers;
      CREATE SEQUENCE ledger.tickets;
      SELECT setval('ledger.tickets', coalesce((SELECT max(ticket) FROM ledger.transfers), 0) + 1, false);

      ALTER TABLE ledger.sequencer ADD COLUMN written_upto timestamptz NOT NULL DEFAULT '-infinity';
      UPDATE ledger.sequencer SET written_upto = coalesce((SELECT max(created_at) FROM ledger.transfers), '-infinity');

      CREATE FUNCTION ledger.stamp_once() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'UPDATE' OR OLD.first_sequence IS NOT NULL OR NEW.first_sequence IS NULL
           OR (NEW.ticket, NEW.size, NEW.xact, NEW.written_at) IS DISTINCT FROM (OLD.ticket, OLD.size, OLD.xact, OLD.written_at) THEN
          RAISE EXCEPTION 'a ledger batch is stamped once and never changes otherwise' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER batches_stamp_once BEFORE UPDATE OR DELETE ON ledger.batches
        FOR EACH ROW EXECUTE FUNCTION ledger.stamp_once();
      CREATE TRIGGER batches_no_truncate BEFORE TRUNCATE ON ledger.batches
        FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_transfer_change();

      -- One statement's stamps must continue the sequence exactly (no gap, no overlap) with
      -- written_upto the running maximum; the sequencer then moves to their end. The sequence's
      -- gap-freedom is a database fact.
      CREATE FUNCTION ledger.extend_sequence() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE v_last bigint; v_upto timestamptz; broken bigint; v_end bigint; v_end_upto timestamptz;
      BEGIN
        SELECT last, written_upto INTO v_last, v_upto FROM ledger.sequencer WHERE id = 1 FOR UPDATE;
        SELECT s.first_sequence INTO broken FROM (
          SELECT first_sequence, written_upto, lag(first_sequence + size) OVER w AS expected,
                 greatest(v_upto, max(written_at) OVER w) AS upto
            FROM stamped WINDOW w AS (ORDER BY first_sequence)
        ) s WHERE s.first_sequence <> coalesce(s.expected, v_last + 1) OR s.written_upto <> s.upto
        ORDER BY s.first_sequence LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'ledger batch stamped at % does not continue the sequence (last %)', broken, v_last
            USING ERRCODE = 'serialization_failure';
        END IF;
        SELECT max(first_sequence + size - 1), max(written_upto) INTO v_end, v_end_upto FROM stamped;
        IF v_end IS NOT NULL THEN
          UPDATE ledger.sequencer SET last = v_end, written_upto = v_end_upto WHERE id = 1;
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER batches_extend_sequence AFTER UPDATE ON ledger.batches
        REFERENCING NEW TABLE AS stamped FOR EACH STATEMENT EXECUTE FUNCTION ledger.extend_sequence();

      -- A sequencer round by whoever holds the sequencer row (only stampers lock it; with
      -- p_if_free a writer stamps inline only if no one else is stamping, never waiting). The
      -- batches are read by a later statement, so with a snapshot taken after the lock: every
      -- batch the previous round stamped is seen stamped. Which batches: those whose transactions
      -- this snapshot sees committed (and the caller's own). Their order: whole transactions by
      -- their last ticket, then by ticket. A transaction's ticket is taken after its reads, so a
      -- transaction that read another's committed effects always has the larger key; and a
      -- snapshot that sees it committed sees the other too. So every stamped prefix is closed
      -- under "read from", which makes every cut a state the ledger's checks allowed.
      CREATE FUNCTION ledger.stamp_round(p_limit int, p_if_free boolean) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
      DECLARE v_last bigint; v_upto timestamptz;
      BEGIN
        IF p_if_free THEN
          SELECT s.last, s.written_upto INTO v_last, v_upto FROM ledger.sequencer s WHERE s.id = 1 FOR UPDATE SKIP LOCKED;
          IF NOT FOUND THEN
            RETURN false;
          END IF;
        ELSE
          SELECT s.last, s.written_upto INTO v_last, v_upto FROM ledger.sequencer s WHERE s.id = 1 FOR UPDATE;
        END IF;
        WITH txs AS (
          SELECT b.xact, max(b.ticket) AS k FROM ledger.batches b WHERE b.first_sequence IS NULL
           GROUP BY b.xact ORDER BY k LIMIT p_limit
        ), todo AS (
          SELECT b.ticket, b.size, sum(b.size) OVER w AS upto, greatest(v_upto, max(b.written_at) OVER w) AS written_upto
            FROM ledger.batches b JOIN txs x ON x.xact = b.xact WHERE b.first_sequence IS NULL
          WINDOW w AS (ORDER BY x.k, b.ticket)
        )
        UPDATE ledger.batches b SET first_sequence = v_last + t.upto - t.size + 1, written_upto = t.written_upto,
               sequenced_at = clock_timestamp()
          FROM todo t WHERE b.ticket = t.ticket;
        RETURN true;
      END $$;

      -- The sequencer's statement: a round if anything waits, then the stamps of p_wanted.
      CREATE FUNCTION ledger.stamp(p_limit int, p_wanted bigint[])
      RETURNS TABLE (ticket bigint, first_sequence bigint) LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM ledger.batches b WHERE b.first_sequence IS NULL) THEN
          PERFORM ledger.stamp_round(p_limit, false);
        END IF;
        RETURN QUERY SELECT b.ticket, b.first_sequence FROM ledger.batches b
          WHERE b.ticket = ANY (p_wanted) AND b.first_sequence IS NOT NULL;
      END $$;

      -- Balances of one account as of a sequence: index-only sums over its (account, ticket)
      -- entries, each placed by its batch's stamp; unstamped batches are later than any sequence.
      CREATE FUNCTION ledger.sums_as_of(p_account uuid, p_sequence bigint)
      RETURNS TABLE (debits_pending numeric, debits_posted numeric, credits_pending numeric, credits_posted numeric)
      LANGUAGE sql STABLE AS $$
        SELECT coalesce(sum(x.pd) FILTER (WHERE x.debit), 0), coalesce(sum(x.qd) FILTER (WHERE x.debit), 0),
               coalesce(sum(x.pd) FILTER (WHERE NOT x.debit), 0), coalesce(sum(x.qd) FILTER (WHERE NOT x.debit), 0)
          FROM (SELECT true AS debit, t.ticket, t.ord, t.pending_delta AS pd, t.posted_delta AS qd
                  FROM ledger.transfers t WHERE t.debit_account_id = p_account
                UNION ALL
                SELECT false, t.ticket, t.ord, t.pending_delta, t.posted_delta
                  FROM ledger.transfers t WHERE t.credit_account_id = p_account) x
          JOIN ledger.batches b ON b.ticket = x.ticket
         WHERE b.first_sequence + x.ord - 1 <= p_sequence
      $$;

      DROP FUNCTION ledger.read_batch(text[], text[], bigint[], uuid[]);
      DROP FUNCTION ledger.apply_batch(text[], uuid[], uuid[], text[], numeric[], int[], text[], int[], text[], text[], numeric[], numeric[], text[],
        text[], int[], text[], text[], text[], uuid[], numeric[], numeric[], numeric[], numeric[], uuid[]);
      ${READ_BATCH_V2}
      ${APPLY_BATCH_V2}
      ${APPLY_FAST_V2}
    `);
  }

  /** Back to sequencing under the row lock; refused while batches wait for the sequencer. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM ledger.batches WHERE first_sequence IS NULL) THEN
          RAISE EXCEPTION 'ledger batches are still unstamped: let the sequencer stamp them first';
        END IF;
      END $$;
      DROP FUNCTION ledger.read_batch(text[], text[], bigint[], uuid[]);
      DROP FUNCTION ledger.apply_batch(text[], uuid[], uuid[], text[], numeric[], int[], text[], int[], text[], text[], numeric[], numeric[], text[],
        text[], int[], text[], text[], text[], uuid[], numeric[], numeric[], numeric[], numeric[], uuid[], boolean);
      DROP FUNCTION ledger.stamp(int, bigint[]);
      DROP FUNCTION ledger.stamp_round(int, boolean);
      DROP FUNCTION ledger.apply_fast(bigint[], text[], uuid[], uuid[], text[], numeric[], int[], int[], text[], text[], numeric[], numeric[], text[],
        text[], int[], uuid[], numeric[], numeric[], numeric[], numeric[], boolean);
      DROP FUNCTION ledger.sums_as_of(uuid, bigint);
      DROP INDEX ledger.transfers_debit_ticket;
      DROP INDEX ledger.transfers_credit_ticket;
      ALTER TABLE ledger.transfers DISABLE TRIGGER transfers_immutable;
      UPDATE ledger.transfers t SET ticket = b.first_sequence + t.ord - 1, created_at = b.written_upto
        FROM ledger.batches b WHERE b.ticket = t.ticket;
      ALTER TABLE ledger.transfers ENABLE TRIGGER transfers_immutable;
      ALTER TABLE ledger.transfers DROP COLUMN ord;
      ALTER TABLE ledger.transfers RENAME COLUMN ticket TO sequence;
      ALTER TABLE ledger.transfers
        ADD CONSTRAINT transfers_sequence_unique UNIQUE (sequence),
        ADD CONSTRAINT transfers_debit_account_id_fkey FOREIGN KEY (debit_account_id) REFERENCES ledger.accounts (id),
        ADD CONSTRAINT transfers_credit_account_id_fkey FOREIGN KEY (credit_account_id) REFERENCES ledger.accounts (id),
        ADD CONSTRAINT transfers_pending_id_fkey FOREIGN KEY (pending_id) REFERENCES ledger.transfers (id);
      CREATE INDEX transfers_debit_seq ON ledger.transfers (debit_account_id, sequence) INCLUDE (pending_delta, posted_delta);
      CREATE INDEX transfers_credit_seq ON ledger.transfers (credit_account_id, sequence) INCLUDE (pending_delta, posted_delta);
      CREATE INDEX transfers_created_at ON ledger.transfers (created_at, sequence);
      DROP TABLE ledger.batches;
      DROP FUNCTION ledger.stamp_once();
      DROP FUNCTION ledger.extend_sequence();
      DROP SEQUENCE ledger.tickets;
      ALTER TABLE ledger.sequencer DROP COLUMN written_upto;
      DROP TRIGGER accounts_never_deleted ON ledger.accounts;
      DROP TRIGGER accounts_no_truncate ON ledger.accounts;
      DROP FUNCTION ledger.refuse_account_delete();
${BATCH_FUNCTIONS_V1}
    `);
  }
}
