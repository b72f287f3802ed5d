import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Vanished deposits and lease takeover:
 * - `checked_at` / `missing_since` on deposits: when the follower last asked the node whether a
 *   `seen` deposit's transaction still exists, and since when it has been missing (cleared when
 *   it is found again); `dropped_at` and `drop_reason` ('reorged' | 'vanished') once dropped.
 * - `process` on leases: which process holds a follower lease, so a process that holds the
 *   PGlite data-directory lock (proof that no other process is alive on it) takes a lease left
 *   by a dead process at once instead of waiting for it to expire.
 * Its timestamp sorts after DepositsInit1795330100000, whose tables it alters.
 */
export class DepositsVanished1795330200000 implements MigrationInterface {
  name = 'DepositsVanished1795330200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE deposits.deposits
        ADD COLUMN checked_at    timestamptz,
        ADD COLUMN missing_since timestamptz,
        ADD COLUMN dropped_at    timestamptz,
        ADD COLUMN drop_reason   text CHECK (drop_reason IN ('reorged', 'vanished'));
      -- The presence check takes the least recently checked seen deposits of a chain.
      CREATE INDEX deposits_seen_checked ON deposits.deposits (chain, checked_at NULLS FIRST, seq) WHERE state = 'seen';
      -- Deposits by state and age (metrics) for the states that are not final.
      CREATE INDEX deposits_open_age ON deposits.deposits (chain, state, first_seen_at) WHERE state IN ('seen', 'confirming');
      ALTER TABLE deposits.leases ADD COLUMN process text;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE deposits.leases DROP COLUMN process;
      DROP INDEX deposits.deposits_open_age;
      DROP INDEX deposits.deposits_seen_checked;
      ALTER TABLE deposits.deposits DROP COLUMN drop_reason, DROP COLUMN dropped_at, DROP COLUMN missing_since, DROP COLUMN checked_at;
    `);
  }
}
