import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ComplianceReconciliation1763800100100 implements MigrationInterface {
  name = 'ComplianceReconciliation1763800100100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE compliance.reconciliations (
        id uuid PRIMARY KEY,
        snapshot_id uuid NOT NULL REFERENCES compliance.snapshots(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL CHECK (status IN ('balanced', 'discrepancy', 'shortfall')),
        assets jsonb NOT NULL,
        differences jsonb NOT NULL
      );
      CREATE TABLE compliance.incidents (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        kind text NOT NULL,
        asset text,
        reconciliation_id uuid REFERENCES compliance.reconciliations(id),
        detail jsonb NOT NULL
      );
      CREATE TRIGGER reconciliations_immutable BEFORE UPDATE OR DELETE ON compliance.reconciliations
        FOR EACH ROW EXECUTE FUNCTION compliance.refuse_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE compliance.incidents; DROP TABLE compliance.reconciliations;');
  }
}
