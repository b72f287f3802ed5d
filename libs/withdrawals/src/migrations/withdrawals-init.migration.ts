import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The withdrawals context: requests and their state machine, policies (and their change log),
 * circuit breakers, approvals, batches and reserved relayer nonces. Amounts are numeric(78,0)
 * base units. `transitions` is the decision record: every state change with the rule that fired.
 */
export class WithdrawalsInit1763900000000 implements MigrationInterface {
  name = 'WithdrawalsInit1763900000000';

  // Long because it is one DDL script: a released migration is never rewritten, only followed by new ones.
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS withdrawals`);
    await q.query(`
      CREATE TABLE withdrawals.policies (
        asset text NOT NULL,
        client_id text NOT NULL DEFAULT '*',
        max_amount numeric(78,0),
        user_daily_limit numeric(78,0),
        client_daily_limit numeric(78,0),
        allowlist jsonb,
        approval_threshold numeric(78,0),
        approvals_required integer NOT NULL DEFAULT 1 CHECK (approvals_required >= 1),
        breaker_window_seconds integer CHECK (breaker_window_seconds > 0),
        breaker_limit numeric(78,0),
        withdrawal_fee numeric(78,0) NOT NULL DEFAULT 0 CHECK (withdrawal_fee >= 0),
        version integer NOT NULL DEFAULT 1,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (asset, client_id)
      )`);
    await q.query(`
      CREATE TABLE withdrawals.policy_changes (
        id bigserial PRIMARY KEY,
        asset text NOT NULL,
        client_id text NOT NULL,
        version integer NOT NULL,
        before jsonb,
        after jsonb NOT NULL,
        changed_by text NOT NULL,
        changed_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE withdrawals.breakers (
        asset text PRIMARY KEY,
        paused boolean NOT NULL,
        tripped_at timestamptz,
        reason text,
        reset_by text,
        reset_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE withdrawals.withdrawals (
        id text PRIMARY KEY,
        seq bigserial UNIQUE,
        client_id text NOT NULL,
        user_id text NOT NULL,
        asset text NOT NULL,
        chain text NOT NULL,
        amount numeric(78,0) NOT NULL CHECK (amount > 0),
        fee numeric(78,0) NOT NULL DEFAULT 0,
        destination text NOT NULL,
        memo text,
        reference text,
        requested_by text NOT NULL,
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        status text NOT NULL,
        approvals_required integer NOT NULL DEFAULT 0,
        rule text,
        reason text,
        batch_id text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        UNIQUE (requested_by, idempotency_key)
      )`);
    await q.query(`CREATE INDEX withdrawals_status_idx ON withdrawals.withdrawals (status, chain, seq)`);
    await q.query(
      `CREATE INDEX withdrawals_user_idx ON withdrawals.withdrawals (client_id, user_id, asset, created_at)`,
    );
    await q.query(`CREATE INDEX withdrawals_asset_idx ON withdrawals.withdrawals (asset, created_at)`);
    await q.query(`CREATE INDEX withdrawals_batch_idx ON withdrawals.withdrawals (batch_id)`);
    await q.query(`
      CREATE TABLE withdrawals.transitions (
        id bigserial PRIMARY KEY,
        withdrawal_id text NOT NULL REFERENCES withdrawals.withdrawals(id),
        from_status text,
        to_status text NOT NULL,
        actor text NOT NULL,
        rule text,
        detail jsonb NOT NULL DEFAULT '{}',
        at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX transitions_withdrawal_idx ON withdrawals.transitions (withdrawal_id, id)`);
    await q.query(`
      CREATE TABLE withdrawals.approvals (
        withdrawal_id text NOT NULL REFERENCES withdrawals.withdrawals(id),
        approver text NOT NULL,
        decision text NOT NULL CHECK (decision IN ('approve', 'reject')),
        reason text,
        at timestamptz NOT NULL,
        PRIMARY KEY (withdrawal_id, approver)
      )`);
    await q.query(`
      CREATE TABLE withdrawals.batches (
        id text PRIMARY KEY,
        seq bigserial UNIQUE,
        chain text NOT NULL,
        wallet_id text NOT NULL,
        wallet jsonb NOT NULL,
        status text NOT NULL,
        unsigned_payload text,
        digests jsonb,
        network_fee numeric(78,0),
        fee_policy jsonb,
        signatures jsonb,
        relay_payload text,
        relay_digests jsonb,
        signed_raw text,
        txid text,
        attempt integer NOT NULL DEFAULT 0,
        previous_txids jsonb NOT NULL DEFAULT '[]',
        relayer text,
        nonce bigint,
        broadcasts integer NOT NULL DEFAULT 0,
        confirmed_height integer,
        confirmed_block text,
        lease_until timestamptz,
        last_error text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX batches_status_idx ON withdrawals.batches (status, chain, seq)`);
    await q.query(`
      CREATE TABLE withdrawals.nonces (
        chain text NOT NULL,
        relayer text NOT NULL,
        nonce bigint NOT NULL,
        batch_id text NOT NULL UNIQUE REFERENCES withdrawals.batches(id),
        reserved_at timestamptz NOT NULL,
        PRIMARY KEY (chain, relayer, nonce)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA IF EXISTS withdrawals CASCADE`);
  }
}
