import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Root anchors (libs/withdrawals/src/anchors/anchor-worker.ts): one row per snapshot id, the
 * relayer transaction carrying `anchorPayload(snapshotId, root)`. Its nonce is reserved in
 * `withdrawals.nonces` like a batch's or a sweep's, so a third owner kind joins the one-owner CHECK.
 */
export class WithdrawalsAnchors1764900000000 implements MigrationInterface {
  name = 'WithdrawalsAnchors1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE withdrawals.anchors (
        id text PRIMARY KEY,
        snapshot_id text NOT NULL UNIQUE,
        root text NOT NULL CHECK (root ~ '^[0-9a-f]{64}$'),
        chain text NOT NULL,
        wallet_id text NOT NULL,
        relayer text NOT NULL,
        status text NOT NULL CHECK (status IN ('reserved', 'signed', 'broadcast', 'confirmed')),
        nonce bigint,
        txid text UNIQUE,
        signed_raw text,
        broadcasts integer NOT NULL DEFAULT 0,
        mined_height integer,
        last_error text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CHECK ((signed_raw IS NULL) = (txid IS NULL)),
        CHECK (status = 'reserved' OR signed_raw IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX anchors_open_idx ON withdrawals.anchors (chain, status) WHERE status <> 'confirmed'`);
    await q.query(
      `ALTER TABLE withdrawals.nonces ADD COLUMN anchor_id text UNIQUE REFERENCES withdrawals.anchors(id) DEFERRABLE INITIALLY DEFERRED`,
    );
    await q.query(`ALTER TABLE withdrawals.nonces DROP CONSTRAINT nonces_one_owner`);
    await q.query(
      `ALTER TABLE withdrawals.nonces ADD CONSTRAINT nonces_one_owner CHECK (num_nonnulls(batch_id, sweep_id, anchor_id) = 1)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM withdrawals.nonces WHERE anchor_id IS NOT NULL`);
    await q.query(`ALTER TABLE withdrawals.nonces DROP CONSTRAINT nonces_one_owner`);
    await q.query(`ALTER TABLE withdrawals.nonces DROP COLUMN anchor_id`);
    await q.query(
      `ALTER TABLE withdrawals.nonces ADD CONSTRAINT nonces_one_owner CHECK ((batch_id IS NULL) <> (sweep_id IS NULL))`,
    );
    await q.query(`DROP TABLE withdrawals.anchors`);
  }
}
