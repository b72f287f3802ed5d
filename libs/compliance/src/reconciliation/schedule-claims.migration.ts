import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One row per scheduled job and time slot: the replica that inserts it runs that slot. */
export class ComplianceScheduleClaims1764790000000 implements MigrationInterface {
  name = 'ComplianceScheduleClaims1764790000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE compliance.schedule_claims (
        job text NOT NULL,
        slot bigint NOT NULL,
        claimed_by text NOT NULL,
        claimed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (job, slot)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE compliance.schedule_claims');
  }
}
