import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Nonce fills (libs/withdrawals/src/relayer/nonce-filler.ts): a relayer nonce reserved for a batch
 * or a sweep that failed before its transaction was ever stored as signed would leave a hole that
 * every later relayer transaction waits behind. A fill is a 0-ETH self-transfer at that nonce; one
 * row per reserved nonce, stored signed before it is sent, so only stored bytes are ever broadcast.
 */
export class WithdrawalsNonceFills1764200000000 implements MigrationInterface {
  name = 'WithdrawalsNonceFills1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE withdrawals.nonce_fills (
        chain text NOT NULL,
        relayer text NOT NULL,
        nonce bigint NOT NULL,
        -- The reservation's owner whose transaction was never sent, and the wallet whose relayer key signs.
        batch_id text,
        sweep_id text,
        wallet_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('signed', 'broadcast', 'settled')),
        unsigned_payload text NOT NULL,
        signed_raw text NOT NULL,
        txid text NOT NULL UNIQUE,
        broadcasts integer NOT NULL DEFAULT 0,
        fee numeric(78,0),
        mined_height integer,
        last_error text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (chain, relayer, nonce),
        FOREIGN KEY (chain, relayer, nonce) REFERENCES withdrawals.nonces (chain, relayer, nonce),
        CHECK ((batch_id IS NULL) <> (sweep_id IS NULL))
      )`);
    await q.query(
      `CREATE INDEX nonce_fills_open_idx ON withdrawals.nonce_fills (chain, status) WHERE status <> 'settled'`,
    );
    // The filler looks for failed owners whose transaction was never stored as signed: rare rows,
    // so these partial indexes keep that look-up small however many batches and sweeps there are.
    await q.query(
      `CREATE INDEX batches_failed_unsent_idx ON withdrawals.batches (chain) WHERE status = 'failed' AND signed_raw IS NULL AND txid IS NULL AND nonce IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX sweeps_failed_unsent_idx ON withdrawals.sweeps (chain) WHERE status = 'failed' AND signed_raw IS NULL AND txid IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX withdrawals.sweeps_failed_unsent_idx`);
    await q.query(`DROP INDEX withdrawals.batches_failed_unsent_idx`);
    await q.query(`DROP TABLE withdrawals.nonce_fills`);
  }
}
