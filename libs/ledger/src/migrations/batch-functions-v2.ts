/**
 * `read_batch` and `apply_batch` as LedgerSequenceAfterCommit1795341300000 creates them. Frozen
 * with that migration: a later change is a new migration with its own text.
 */

/**
 * Transactions an inline round stamps at most (the writer's own comes last, being the newest).
 * A writer in its own transaction (`p_inline`) stamps inline when no round is running: the
 * sequencer row it then holds until its commit is only ever waited for by rounds, never by a
 * writer (SKIP LOCKED), and a single writer saves the round trip and the second commit.
 */
const INLINE_LIMIT = 5000;

/**
 * The read half of a batch, in one round trip and in the lock order: (1) the pending_states rows
 * it resolves, sorted; (2) advisory locks of the constrained accounts, in the order given (the
 * caller sorts); then (3) reads with a snapshot taken after the locks, so balances include every
 * commit of the previous lock holder. A known transfer comes with its batch's stamp (null while
 * unstamped). Numbers as text: a JSON number cannot carry numeric(78,0).
 */
export const READ_BATCH_V2 = `
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
              'id', t.id, 'ticket', t.ticket::text, 'ord', t.ord, 'first_sequence', b.first_sequence::text,
              'debit_account_id', t.debit_account_id, 'credit_account_id', t.credit_account_id,
              'asset', t.asset, 'amount', t.amount::text, 'flags', t.flags, 'pending_id', t.pending_id, 'timeout_at', t.timeout_at,
              'code', t.code, 'metadata', t.metadata, 'body_hash', t.body_hash, 'created_at', t.created_at, 'state', p.state))
            FROM ledger.transfers t JOIN ledger.batches b ON b.ticket = t.ticket
              LEFT JOIN ledger.pending_states p ON p.pending_id = t.id
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
      END $$;`;

/**
 * The write half of a batch, in one round trip, holding no lock any other batch needs except
 * its own rows: take a ticket (after the batch's reads: the sequencer's order key), record the
 * batch, insert the transfers (unnest, one statement), record pending states, then lock the
 * account rows in id order (writers run concurrently now: one order everywhere is what keeps
 * them deadlock-free), check they all exist and none the batch credits or debits was closed
 * meanwhile, and apply one aggregated delta per account. Raises SQLSTATE LR001 when a concurrent
 * commit invalidated the plan (the caller re-plans).
 */
export const APPLY_BATCH_V2 = `
      CREATE FUNCTION ledger.apply_batch(
        p_ids text[], p_dr uuid[], p_cr uuid[], p_asset text[], p_amount numeric[], p_flags int[], p_pending_id text[],
        p_timeout int[], p_code text[], p_metadata text[], p_pd numeric[], p_qd numeric[], p_hash text[],
        p_new_pending text[], p_new_pending_timeout int[],
        p_resolved text[], p_resolved_state text[], p_resolved_by text[],
        p_acc uuid[], p_adp numeric[], p_adq numeric[], p_acp numeric[], p_acq numeric[], p_must_open uuid[], p_inline boolean)
      RETURNS TABLE (ticket bigint, written_at timestamptz, first_sequence bigint) LANGUAGE plpgsql VOLATILE AS $$
      DECLARE n int := cardinality(p_ids); v_ticket bigint; v_ts timestamptz := date_trunc('milliseconds', clock_timestamp());
              c int; v_found int; v_closed int; v_first bigint;
      BEGIN
        INSERT INTO ledger.batches (ticket, size, xact, written_at)
          VALUES (nextval('ledger.tickets'), n, pg_current_xact_id(), v_ts) RETURNING batches.ticket INTO v_ticket;
        INSERT INTO ledger.transfers (id, ticket, ord, debit_account_id, credit_account_id, asset, amount, flags, pending_id, timeout_at,
                                      code, metadata, pending_delta, posted_delta, body_hash, created_at)
          SELECT u.id, v_ticket, u.ord, u.dr, u.cr, u.asset, u.amount, u.flags, u.pending_id,
                 CASE WHEN u.timeout > 0 THEN v_ts + make_interval(secs => u.timeout) END,
                 u.code, u.metadata::jsonb, u.pd, u.qd, u.hash, v_ts
          FROM unnest(p_ids, p_dr, p_cr, p_asset, p_amount, p_flags, p_pending_id, p_timeout, p_code, p_metadata, p_pd, p_qd, p_hash)
               WITH ORDINALITY AS u(id, dr, cr, asset, amount, flags, pending_id, timeout, code, metadata, pd, qd, hash, ord)
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
        SELECT count(*), count(*) FILTER (WHERE l.closed AND l.id = ANY (p_must_open)) INTO v_found, v_closed
          FROM (SELECT a.id, a.closed FROM ledger.accounts a WHERE a.id = ANY (p_acc) ORDER BY a.id FOR NO KEY UPDATE) l;
        IF v_found <> cardinality(p_acc) THEN
          RAISE EXCEPTION 'a transfer names an account that does not exist' USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF v_closed > 0 THEN
          RAISE EXCEPTION 'an account was closed concurrently' USING ERRCODE = 'LR001';
        END IF;
        UPDATE ledger.accounts a SET
            debits_pending = a.debits_pending + u.dp, debits_posted = a.debits_posted + u.dq,
            credits_pending = a.credits_pending + u.cp, credits_posted = a.credits_posted + u.cq
          FROM unnest(p_acc, p_adp, p_adq, p_acp, p_acq) AS u(id, dp, dq, cp, cq)
          WHERE a.id = u.id;
        IF p_inline AND ledger.stamp_round(${INLINE_LIMIT}, true) THEN
          SELECT b.first_sequence INTO v_first FROM ledger.batches b WHERE b.ticket = v_ticket;
        END IF;
        RETURN QUERY SELECT v_ticket, v_ts, v_first;
      END $$;`;

/**
 * A batch of plain transfers (no post/void, no balancing) planned without reading anything, in
 * one statement: the optimistic plan holds if every transfer would pass its account's flag check
 * in order, which is checked here, set-based, on the locked rows — running sums per account over
 * the batch in order, exactly the planner's sequential rule when all earlier ones pass. Locks and
 * order as `read_batch` + `apply_batch` (advisory keys sorted, then rows sorted; the ticket after
 * the reads). Anything the optimistic plan did not foresee — a known id, a closed or missing
 * account, a flag that would refuse, an overflow — rolls the statement's work back (its own
 * subtransaction) and answers `fallback` with the reason: the caller then takes the full path,
 * which decides each transfer exactly.
 */
export const APPLY_FAST_V2 = `
      CREATE FUNCTION ledger.apply_fast(
        p_keys bigint[], p_ids text[], p_dr uuid[], p_cr uuid[], p_asset text[], p_amount numeric[], p_flags int[],
        p_timeout int[], p_code text[], p_metadata text[], p_pd numeric[], p_qd numeric[], p_hash text[],
        p_new_pending text[], p_new_pending_timeout int[],
        p_acc uuid[], p_adp numeric[], p_adq numeric[], p_acp numeric[], p_acq numeric[], p_inline boolean)
      RETURNS TABLE (ticket bigint, written_at timestamptz, fallback text, first_sequence bigint) LANGUAGE plpgsql VOLATILE AS $$
      DECLARE n int := cardinality(p_ids); k bigint; v_ticket bigint; v_ts timestamptz; c int; v_found int; v_closed int; v_first bigint;
      BEGIN
        BEGIN
          FOREACH k IN ARRAY p_keys LOOP
            PERFORM pg_advisory_xact_lock(k);
          END LOOP;
          SELECT count(*), count(*) FILTER (WHERE l.closed) INTO v_found, v_closed
            FROM (SELECT a.id, a.closed FROM ledger.accounts a WHERE a.id = ANY (p_acc) ORDER BY a.id FOR NO KEY UPDATE) l;
          IF v_found <> cardinality(p_acc) OR v_closed > 0 THEN
            RAISE EXCEPTION 'an account is missing or closed' USING ERRCODE = 'LR002';
          END IF;
          PERFORM 1 FROM (
            SELECT e.acct, e.debit,
                   sum(e.d_all) OVER w AS d_all, sum(e.d_posted) OVER w AS d_posted,
                   sum(e.c_all) OVER w AS c_all, sum(e.c_posted) OVER w AS c_posted
              FROM (SELECT u.ord, u.acct, true AS debit, u.pd + u.qd AS d_all, u.qd AS d_posted, 0::numeric AS c_all, 0::numeric AS c_posted
                      FROM unnest(p_dr, p_pd, p_qd) WITH ORDINALITY AS u(acct, pd, qd, ord)
                    UNION ALL
                    SELECT u.ord, u.acct, false, 0, 0, u.pd + u.qd, u.qd
                      FROM unnest(p_cr, p_pd, p_qd) WITH ORDINALITY AS u(acct, pd, qd, ord)) e
            WINDOW w AS (PARTITION BY e.acct ORDER BY e.ord ROWS UNBOUNDED PRECEDING)
          ) e JOIN ledger.accounts a ON a.id = e.acct
          WHERE (e.debit AND a.debits_must_not_exceed_credits
                 AND a.debits_pending + a.debits_posted + e.d_all > a.credits_posted + e.c_posted)
             OR (NOT e.debit AND a.credits_must_not_exceed_debits
                 AND a.credits_pending + a.credits_posted + e.c_all > a.debits_posted + e.d_posted)
          LIMIT 1;
          IF FOUND THEN
            RAISE EXCEPTION 'a transfer would break its account''s flag' USING ERRCODE = 'LR002';
          END IF;
          v_ts := date_trunc('milliseconds', clock_timestamp());
          INSERT INTO ledger.batches (ticket, size, xact, written_at)
            VALUES (nextval('ledger.tickets'), n, pg_current_xact_id(), v_ts) RETURNING batches.ticket INTO v_ticket;
          INSERT INTO ledger.transfers (id, ticket, ord, debit_account_id, credit_account_id, asset, amount, flags, pending_id, timeout_at,
                                        code, metadata, pending_delta, posted_delta, body_hash, created_at)
            SELECT u.id, v_ticket, u.ord, u.dr, u.cr, u.asset, u.amount, u.flags, NULL,
                   CASE WHEN u.timeout > 0 THEN v_ts + make_interval(secs => u.timeout) END,
                   u.code, u.metadata::jsonb, u.pd, u.qd, u.hash, v_ts
            FROM unnest(p_ids, p_dr, p_cr, p_asset, p_amount, p_flags, p_timeout, p_code, p_metadata, p_pd, p_qd, p_hash)
                 WITH ORDINALITY AS u(id, dr, cr, asset, amount, flags, timeout, code, metadata, pd, qd, hash, ord)
            ON CONFLICT (id) DO NOTHING;
          GET DIAGNOSTICS c = ROW_COUNT;
          IF c <> n THEN
            RAISE EXCEPTION 'a transfer id is known' USING ERRCODE = 'LR002';
          END IF;
          IF cardinality(p_new_pending) > 0 THEN
            INSERT INTO ledger.pending_states (pending_id, state, timeout_at)
              SELECT u.id, 'pending', CASE WHEN u.timeout > 0 THEN v_ts + make_interval(secs => u.timeout) END
              FROM unnest(p_new_pending, p_new_pending_timeout) AS u(id, timeout);
          END IF;
          UPDATE ledger.accounts a SET
              debits_pending = a.debits_pending + u.dp, debits_posted = a.debits_posted + u.dq,
              credits_pending = a.credits_pending + u.cp, credits_posted = a.credits_posted + u.cq
            FROM unnest(p_acc, p_adp, p_adq, p_acp, p_acq) AS u(id, dp, dq, cp, cq)
            WHERE a.id = u.id;
          IF p_inline AND ledger.stamp_round(${INLINE_LIMIT}, true) THEN
            SELECT b.first_sequence INTO v_first FROM ledger.batches b WHERE b.ticket = v_ticket;
          END IF;
          RETURN QUERY SELECT v_ticket, v_ts, NULL::text, v_first;
        EXCEPTION WHEN SQLSTATE 'LR002' OR numeric_value_out_of_range OR check_violation OR deadlock_detected THEN
          RETURN QUERY SELECT NULL::bigint, NULL::timestamptz, SQLERRM, NULL::bigint;
        END;
      END $$;`;
