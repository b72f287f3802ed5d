import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger schema (DESIGN §3). Balances live on the account row (a balance read is one row);
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
      );
      CREATE INDEX accounts_owner ON ledger.accounts (client_id, owner_id);

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
        CONSTRAINT transfers_distinct_accounts CHECK (debit_account_id <> credit_account_id),
        -- A pending transfer is resolved (posted, voided or expired) at most once.
        CONSTRAINT transfers_pending_resolved_once UNIQUE (pending_id)
      );
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

      -- Takes transaction-scoped advisory locks on the constrained accounts, in the order given
      -- (the caller sorts), then reads the accounts with a snapshot taken after the locks, so the
      -- balances seen include every commit of the previous lock holder.
      CREATE FUNCTION ledger.lock_and_read_accounts(keys bigint[], ids uuid[])
      RETURNS SETOF ledger.accounts LANGUAGE plpgsql VOLATILE AS $$
      DECLARE k bigint;
      BEGIN
        FOREACH k IN ARRAY keys LOOP
          PERFORM pg_advisory_xact_lock(k);
        END LOOP;
        RETURN QUERY SELECT * FROM ledger.accounts WHERE id = ANY (ids);
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP SCHEMA IF EXISTS ledger CASCADE');
  }
}
