import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ComplianceLiabilityProofs1763800100200 implements MigrationInterface {
  name = 'ComplianceLiabilityProofs1763800100200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- One published proof of liabilities per snapshot. The salt is the operator's secret: every
      -- user's nonce derives from it, so the tree can be rebuilt to serve any user's proof.
      CREATE TABLE compliance.liability_proofs (
        snapshot_id uuid PRIMARY KEY REFERENCES compliance.snapshots(id),
        salt bytea NOT NULL CHECK (length(salt) = 32),
        published jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TRIGGER liability_proofs_immutable BEFORE UPDATE OR DELETE ON compliance.liability_proofs
        FOR EACH ROW EXECUTE FUNCTION compliance.refuse_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE compliance.liability_proofs');
  }
}
