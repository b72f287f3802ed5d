import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sweeps of Ethereum deposit addresses into the custody Safe (see libs/withdrawals/src/sweeps):
 * candidate addresses fed from credited deposits, one row per sweep transaction, and the relayer
 * nonce reservation shared with withdrawal batches (a nonce belongs to a batch or to a sweep).
 */
export class WithdrawalsSweeps1764100000000 implements MigrationInterface {
  name = 'WithdrawalsSweeps1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE withdrawals.sweeps (
        id text PRIMARY KEY,
        seq bigserial UNIQUE,
        chain text NOT NULL,
        wallet_id text NOT NULL,
        wallet jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('signing', 'signed', 'broadcast', 'settled', 'failed')),
        -- What was approved: deposit tags (in call order), their addresses, the assets whose tokens move,
        -- and the balances read when it was planned (what the sweep was expected to move).
        tags jsonb NOT NULL,
        addresses jsonb NOT NULL,
        assets jsonb NOT NULL,
        expected jsonb NOT NULL,
        relayer text NOT NULL,
        nonce bigint NOT NULL,
        unsigned_payload text NOT NULL,
        digests jsonb NOT NULL,
        max_fee numeric(78,0) NOT NULL,
        signed_raw text,
        txid text,
        previous_txids jsonb NOT NULL DEFAULT '[]',
        attempt integer NOT NULL DEFAULT 0,
        broadcasts integer NOT NULL DEFAULT 0,
        fee numeric(78,0),
        swept jsonb,
        mined_height integer,
        failure text,
        lease_until timestamptz,
        last_error text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    // One sweep in flight per wallet: its relayer transactions stay in nonce order and a planner
    // never sweeps the same addresses twice at once.
    await q.query(
      `CREATE UNIQUE INDEX sweeps_open_per_wallet ON withdrawals.sweeps (chain, wallet_id) WHERE status IN ('signing', 'signed', 'broadcast')`,
    );
    await q.query(`CREATE INDEX sweeps_status_idx ON withdrawals.sweeps (status, chain, seq)`);
    await q.query(`
      CREATE TABLE withdrawals.sweep_candidates (
        chain text NOT NULL,
        address text NOT NULL,
        tag text NOT NULL,
        wallet_id text NOT NULL,
        -- The newest deposit feed position that named this address.
        fed_at_position bigint NOT NULL,
        -- Balances are read least recently checked first, so addresses holding less than a
        -- threshold take turns instead of starving newer ones.
        checked_at timestamptz,
        -- After a reverted sweep the address waits, so a sweep that cannot succeed does not burn gas in a loop.
        retry_after timestamptz,
        PRIMARY KEY (chain, address)
      )`);
    await q.query(
      `CREATE INDEX sweep_candidates_wallet_idx ON withdrawals.sweep_candidates (chain, wallet_id, checked_at NULLS FIRST)`,
    );
    await q.query(`CREATE TABLE withdrawals.sweep_feed (chain text PRIMARY KEY, position bigint NOT NULL)`);
    // The nonce is reserved before the sweep row it belongs to exists (the row stores the payload
    // built with it), hence the deferred reference.
    await q.query(`ALTER TABLE withdrawals.nonces ALTER COLUMN batch_id DROP NOT NULL`);
    await q.query(
      `ALTER TABLE withdrawals.nonces ADD COLUMN sweep_id text UNIQUE REFERENCES withdrawals.sweeps(id) DEFERRABLE INITIALLY DEFERRED`,
    );
    await q.query(
      `ALTER TABLE withdrawals.nonces ADD CONSTRAINT nonces_one_owner CHECK ((batch_id IS NULL) <> (sweep_id IS NULL))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM withdrawals.nonces WHERE sweep_id IS NOT NULL`);
    await q.query(`ALTER TABLE withdrawals.nonces DROP CONSTRAINT nonces_one_owner`);
    await q.query(`ALTER TABLE withdrawals.nonces DROP COLUMN sweep_id`);
    await q.query(`ALTER TABLE withdrawals.nonces ALTER COLUMN batch_id SET NOT NULL`);
    await q.query(`DROP TABLE withdrawals.sweep_feed`);
    await q.query(`DROP TABLE withdrawals.sweep_candidates`);
    await q.query(`DROP TABLE withdrawals.sweeps`);
  }
}
