import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CompliancePublication1764860000000 implements MigrationInterface {
  name = 'CompliancePublication1764860000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- The publication key's public side, recorded on first use: what users verify against.
      -- A key that differs from the newest row is refused (rotation is an operator's insert).
      CREATE TABLE compliance.publication_keys (
        public_key text PRIMARY KEY CHECK (public_key ~ '^0[23][0-9a-f]{64}$'),
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE TRIGGER publication_keys_immutable BEFORE UPDATE OR DELETE ON compliance.publication_keys
        FOR EACH ROW EXECUTE FUNCTION compliance.refuse_change();
      -- Statements about a published root made outside it (signatures, chain anchors): one per
      -- snapshot and type, never changed, so a root is signed or anchored once.
      CREATE TABLE compliance.root_attestations (
        snapshot_id uuid NOT NULL REFERENCES compliance.liability_proofs(snapshot_id),
        type text NOT NULL,
        attestation jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (snapshot_id, type)
      );
      CREATE TRIGGER root_attestations_immutable BEFORE UPDATE OR DELETE ON compliance.root_attestations
        FOR EACH ROW EXECUTE FUNCTION compliance.refuse_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE compliance.root_attestations');
    await q.query('DROP TABLE compliance.publication_keys');
  }
}
