import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * UTXO chains (Bitcoin): which outpoints each batch spends, one owner per outpoint. Written in the
 * transaction that moves the batch to `signing`, so a crash or a second signer replica can never
 * pick an input another batch is about to spend; released when the batch fails, kept once it may
 * have been broadcast until it is confirmed. The batch columns drive re-sending with back-off and
 * the conflict verdict (the height at which an input was first seen spent by another transaction),
 * and the CPFP child of a batch stuck unconfirmed.
 */
export class WithdrawalsOutpointReservations1764731000000 implements MigrationInterface {
  name = 'WithdrawalsOutpointReservations1764731000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE withdrawals.outpoint_reservations (
        chain text NOT NULL,
        -- "<txid>:<vout>"
        outpoint text NOT NULL,
        batch_id text NOT NULL REFERENCES withdrawals.batches(id),
        reserved_at timestamptz NOT NULL,
        PRIMARY KEY (chain, outpoint)
      )`);
    await q.query(`CREATE INDEX outpoint_reservations_batch_idx ON withdrawals.outpoint_reservations (batch_id)`);
    await q.query(
      `ALTER TABLE withdrawals.batches ADD COLUMN resend_after timestamptz, ADD COLUMN resends integer NOT NULL DEFAULT 0, ADD COLUMN conflict_seen_height integer`,
    );
    // A CPFP child (one per batch) spending the batch's change, stored signed before it is sent.
    await q.query(
      `ALTER TABLE withdrawals.batches ADD COLUMN cpfp_txid text, ADD COLUMN cpfp_raw text, ADD COLUMN cpfp_fee numeric(78,0)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE withdrawals.batches DROP COLUMN cpfp_fee, DROP COLUMN cpfp_raw, DROP COLUMN cpfp_txid`);
    await q.query(
      `ALTER TABLE withdrawals.batches DROP COLUMN conflict_seen_height, DROP COLUMN resends, DROP COLUMN resend_after`,
    );
    await q.query(`DROP TABLE withdrawals.outpoint_reservations`);
  }
}
