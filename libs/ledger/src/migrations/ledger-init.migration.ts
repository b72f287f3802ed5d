import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `read_batch` and `apply_batch` as this migration created them (the sequence taken under the
 * sequencer row lock). Frozen: LedgerSequenceAfterCommit1795341300000 restores them on `down`.
 */
export const BATCH_FUNCTIONS_V1 = `      -- The read half of a batch, in one round trip and in the global lock order: (1) the
      -- pending_states rows it resolves, sorted; (2) advisory locks of the constrained accounts,
      -- in the order given (the caller sorts); then (3) reads with a snapshot taken after the
      -- locks, so balances include every commit of the previous lock holder. Numbers as text:
      -- a JSON number cannot carry numeric(78,0).
      CREATE FUNCTION ledger.read_batch(p_transfer_ids text[], p_pending_ids text[], p_keys bigint[], p_account_ids uuid[])
      RETURNS json LANGUAGE plpgsql VOLATILE AS $$
      DECLARE k bigint; result json;
      BEGIN
        IF cardinality(p_pending_ids) > 0 THEN
          PERFORM 1 FROM ledger.pending_states WHERE pending_id = ANY (p_pending_ids) ORDER BY pending_id FOR UPDATE;
        END IF;
        FOREACH k IN ARRAY p_keys LOOP
          PERFORM pg_advisory_xact_lock(k);
        END LOOP;
        SELECT json_build_object(
          'transfers', coalesce((
            SELECT json_agg(json_build_object(
              'id', t.id, 'sequence', t.sequence::text, 'debit_account_id', t.debit_account_id, 'credit_account_id', t.credit_account_id,
              'asset', t.asset, 'amount', t.amount::text, 'flags', t.flags, 'pending_id', t.pending_id, 'timeout_at', t.timeout_at,
              'code', t.code, 'metadata', t.metadata, 'body_hash', t.body_hash, 'created_at', t.created_at, 'state', p.state))
            FROM ledger.transfers t LEFT JOIN ledger.pending_states p ON p.pending_id = t.id
            WHERE t.id = ANY (p_transfer_ids)), '[]'::json),
          'accounts', coalesce((
            SELECT json_agg(json_build_object(
              'id', a.id, 'client_id', a.client_id, 'owner_id', a.owner_id, 'asset', a.asset, 'kind', a.kind,
              'debits_must_not_exceed_credits', a.debits_must_not_exceed_credits,
              'credits_must_not_exceed_debits', a.credits_must_not_exceed_debits, 'closed', a.closed,
              'debits_pending', a.debits_pending::text, 'debits_posted', a.debits_posted::text,
              'credits_pending', a.credits_pending::text, 'credits_posted', a.credits_posted::text, 'created_at', a.created_at))
            FROM ledger.accounts a
            WHERE a.id = ANY (p_account_ids)
               OR a.id IN (SELECT debit_account_id FROM ledger.transfers WHERE id = ANY (p_pending_ids)
                           UNION SELECT credit_account_id FROM ledger.transfers WHERE id = ANY (p_pending_ids))), '[]'::json)
        ) INTO result;
        RETURN result;
      END $$;

      -- The write half of a batch, in one round trip: take the sequence range (the sequencer
      -- row lock is held from here to commit, so sequences follow commit order), insert the
      -- transfers, record pending states, apply the balance deltas commutatively. Raises
      -- SQLSTATE LR001 when a concurrent commit invalidated the plan (the caller re-plans).
      CREATE FUNCTION ledger.apply_batch(
        p_ids text[], p_dr uuid[], p_cr uuid[], p_asset text[], p_amount numeric[], p_flags int[], p_pending_id text[],
        p_timeout int[], p_code text[], p_metadata text[], p_pd numeric[], p_qd numeric[], p_hash text[],
        p_new_pending text[], p_new_pending_timeout int[],
        p_resolved text[], p_resolved_state text[], p_resolved_by text[],
        p_acc uuid[], p_adp numeric[], p_adq numeric[], p_acp numeric[], p_acq numeric[], p_must_open uuid[])
      RETURNS TABLE (base bigint, committed_at timestamptz) LANGUAGE plpgsql VOLATILE AS $$
      DECLARE n int := cardinality(p_ids); v_last bigint; v_ts timestamptz; c int;
      BEGIN
        UPDATE ledger.sequencer SET last = last + n WHERE id = 1
          RETURNING last, date_trunc('milliseconds', clock_timestamp()) INTO v_last, v_ts;
        INSERT INTO ledger.transfers (id, sequence, debit_account_id, credit_account_id, asset, amount, flags, pending_id, timeout_at,
                                      code, metadata, pending_delta, posted_delta, body_hash, created_at)
          SELECT u.id, v_last - n + u.ord, u.dr, u.cr, u.asset, u.amount, u.flags, u.pending_id,
                 CASE WHEN u.timeout > 0 THEN v_ts + make_interval(secs => u.timeout) END,
                 u.code, u.metadata::jsonb, u.pd, u.qd, u.hash, v_ts
          FROM unnest(p_ids, p_dr, p_cr, p_asset, p_amount, p_flags, p_pending_id, p_timeout, p_code, p_metadata, p_pd, p_qd, p_hash)
               WITH ORDINALITY AS u(id, dr, cr, asset, amount, flags, pending_id, timeout, code, metadata, pd, qd, hash, ord)
          ORDER BY u.ord
          ON CONFLICT (id) DO NOTHING;
        GET DIAGNOSTICS c = ROW_COUNT;
        IF c <> n THEN
          RAISE EXCEPTION 'a transfer id was committed concurrently' USING ERRCODE = 'LR001';
        END IF;
        IF cardinality(p_new_pending) > 0 THEN
          INSERT INTO ledger.pending_states (pending_id, state, timeout_at)
            SELECT u.id, 'pending', CASE WHEN u.timeout > 0 THEN v_ts + make_interval(secs => u.timeout) END
            FROM unnest(p_new_pending, p_new_pending_timeout) AS u(id, timeout);
        END IF;
        IF cardinality(p_resolved) > 0 THEN
          UPDATE ledger.pending_states p SET state = u.state, resolved_by = u.by
            FROM unnest(p_resolved, p_resolved_state, p_resolved_by) AS u(pid, state, by)
            WHERE p.pending_id = u.pid AND p.state = 'pending';
          GET DIAGNOSTICS c = ROW_COUNT;
          IF c <> cardinality(p_resolved) THEN
            RAISE EXCEPTION 'a pending transfer was resolved concurrently' USING ERRCODE = 'LR001';
          END IF;
        END IF;
        -- Closing takes the sequencer first, so any close that happened is visible here.
        IF EXISTS (SELECT 1 FROM ledger.accounts WHERE id = ANY (p_must_open) AND closed) THEN
          RAISE EXCEPTION 'an account was closed concurrently' USING ERRCODE = 'LR001';
        END IF;
        UPDATE ledger.accounts a SET
            debits_pending = a.debits_pending + u.dp, debits_posted = a.debits_posted + u.dq,
            credits_pending = a.credits_pending + u.cp, credits_posted = a.credits_posted + u.cq
          FROM unnest(p_acc, p_adp, p_adq, p_acp, p_acq) AS u(id, dp, dq, cp, cq)
          WHERE a.id = u.id;
        RETURN QUERY SELECT v_last - n, v_ts;
      END $$;`;

/**
 * The ledger schema. Balances live on the account row (a balance read is one row);
 * each transfer row carries its signed pending/posted deltas so a balance "as of" a sequence is
 * a sum over an indexed (account, sequence) range. Transfers are immutable: a trigger refuses
 * UPDATE, DELETE and TRUNCATE. The one mutable fact about a transfer — whether a pending one is
 * still pending — lives in `pending_states`, so the transfer rows never need an exception.
 */
export class LedgerInit1763800000000 implements MigrationInterface {
  name = 'LedgerInit1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE SCHEMA IF NOT EXISTS ledger;

      CREATE TABLE ledger.accounts (
        id uuid PRIMARY KEY,
        client_id text NOT NULL,
        owner_id text NOT NULL,
        asset text NOT NULL,
        kind text NOT NULL,
        debits_must_not_exceed_credits boolean NOT NULL,
        credits_must_not_exceed_debits boolean NOT NULL,
        closed boolean NOT NULL DEFAULT false,
        debits_pending numeric(78,0) NOT NULL DEFAULT 0,
        debits_posted numeric(78,0) NOT NULL DEFAULT 0,
        credits_pending numeric(78,0) NOT NULL DEFAULT 0,
        credits_posted numeric(78,0) NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT accounts_owner_unique UNIQUE (client_id, owner_id, asset, kind),
        CONSTRAINT accounts_kind_valid CHECK (kind IN ('user','custody','in_flight','fee_expense','fee_revenue','incident','equity')),
        CONSTRAINT accounts_flags_exclusive CHECK (NOT (debits_must_not_exceed_credits AND credits_must_not_exceed_debits)),
        CONSTRAINT accounts_balances_non_negative CHECK (debits_pending >= 0 AND debits_posted >= 0 AND credits_pending >= 0 AND credits_posted >= 0),
        -- Defence in depth: the service checks the flags before writing; the database refuses too.
        CONSTRAINT accounts_debits_must_not_exceed_credits CHECK (NOT debits_must_not_exceed_credits OR debits_pending + debits_posted <= credits_posted),
        CONSTRAINT accounts_credits_must_not_exceed_debits CHECK (NOT credits_must_not_exceed_debits OR credits_pending + credits_posted <= debits_posted)
      ) WITH (fillfactor = 70); -- room on each page so balance updates stay HOT (no index writes)
      -- (client_id, owner_id) lookups use the prefix of accounts_owner_unique.

      -- One row: the last sequence handed out. Its row lock, held from "take a range" to commit,
      -- is what makes sequence order equal commit order.
      CREATE TABLE ledger.sequencer (
        id smallint PRIMARY KEY CHECK (id = 1),
        last bigint NOT NULL
      );
      INSERT INTO ledger.sequencer (id, last) VALUES (1, 0);

      CREATE TABLE ledger.transfers (
        id text PRIMARY KEY,
        sequence bigint NOT NULL,
        debit_account_id uuid NOT NULL REFERENCES ledger.accounts (id),
        credit_account_id uuid NOT NULL REFERENCES ledger.accounts (id),
        asset text NOT NULL,
        amount numeric(78,0) NOT NULL CHECK (amount > 0),
        flags integer NOT NULL,
        pending_id text REFERENCES ledger.transfers (id),
        timeout_at timestamptz,
        code text,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        -- What this transfer adds to both sides' pending and posted balances (signed).
        pending_delta numeric(78,0) NOT NULL,
        posted_delta numeric(78,0) NOT NULL,
        -- sha256 of the canonical request body: same id + same hash = replay, else conflict.
        body_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT transfers_sequence_unique UNIQUE (sequence),
        CONSTRAINT transfers_distinct_accounts CHECK (debit_account_id <> credit_account_id)
      );
      -- A pending transfer is resolved (posted, voided or expired) at most once. Partial: most
      -- transfers resolve nothing and need no entry.
      CREATE UNIQUE INDEX transfers_pending_resolved_once ON ledger.transfers (pending_id) WHERE pending_id IS NOT NULL;
      CREATE INDEX transfers_debit_seq ON ledger.transfers (debit_account_id, sequence) INCLUDE (pending_delta, posted_delta);
      CREATE INDEX transfers_credit_seq ON ledger.transfers (credit_account_id, sequence) INCLUDE (pending_delta, posted_delta);
      CREATE INDEX transfers_created_at ON ledger.transfers (created_at, sequence);

      CREATE FUNCTION ledger.refuse_transfer_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger transfers are immutable: correct them with new transfers'
          USING ERRCODE = 'restrict_violation';
      END $$;
      CREATE TRIGGER transfers_immutable BEFORE UPDATE OR DELETE ON ledger.transfers
        FOR EACH ROW EXECUTE FUNCTION ledger.refuse_transfer_change();
      CREATE TRIGGER transfers_no_truncate BEFORE TRUNCATE ON ledger.transfers
        FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_transfer_change();

      -- The mutable bookkeeping of pending transfers, kept out of the immutable transfers table.
      CREATE TABLE ledger.pending_states (
        pending_id text PRIMARY KEY REFERENCES ledger.transfers (id),
        state text NOT NULL CHECK (state IN ('pending','posted','voided','expired')),
        timeout_at timestamptz,
        resolved_by text REFERENCES ledger.transfers (id),
        CONSTRAINT pending_states_resolution CHECK ((state = 'pending') = (resolved_by IS NULL))
      );
      -- A pending state only ever moves from 'pending' to a final state, once.
      CREATE FUNCTION ledger.guard_pending_state() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' OR OLD.state <> 'pending' OR NEW.pending_id <> OLD.pending_id
           OR NEW.timeout_at IS DISTINCT FROM OLD.timeout_at THEN
          RAISE EXCEPTION 'a pending transfer resolves at most once' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER pending_states_once BEFORE UPDATE OR DELETE ON ledger.pending_states
        FOR EACH ROW EXECUTE FUNCTION ledger.guard_pending_state();
      CREATE INDEX pending_states_due ON ledger.pending_states (timeout_at) WHERE state = 'pending' AND timeout_at IS NOT NULL;

${BATCH_FUNCTIONS_V1}
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP SCHEMA IF EXISTS ledger CASCADE');
  }
}
