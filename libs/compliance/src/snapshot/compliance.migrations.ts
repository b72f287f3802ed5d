import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ComplianceInit1763800100000 implements MigrationInterface {
  name = 'ComplianceInit1763800100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE SCHEMA IF NOT EXISTS compliance;
      CREATE TABLE compliance.snapshots (
        id uuid PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('running', 'complete', 'failed')),
        sequence numeric(20,0) NOT NULL,
        taken_at timestamptz NOT NULL,
        completed_at timestamptz,
        chain_tips jsonb NOT NULL,
        prices jsonb NOT NULL,
        requested_by text NOT NULL,
        rows_done integer NOT NULL DEFAULT 0,
        user_count integer,
        totals jsonb,
        content_hash text,
        error text
      );
      CREATE TABLE compliance.snapshot_balances (
        snapshot_id uuid NOT NULL REFERENCES compliance.snapshots(id),
        -- Byte order (COLLATE "C") so the primary key index is the content-hash order on every server.
        client_id text COLLATE "C" NOT NULL,
        user_id text COLLATE "C" NOT NULL,
        asset text COLLATE "C" NOT NULL,
        balance numeric(78,0) NOT NULL CHECK (balance >= 0),
        value text,
        PRIMARY KEY (snapshot_id, client_id, user_id, asset)
      );
      -- Snapshots are immutable once complete; their rows never change at all.
      CREATE FUNCTION compliance.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Only a running snapshot's row may change (progress, completion); nested IFs because
        -- OLD.status does not exist on the other tables.
        IF TG_TABLE_NAME = 'snapshots' AND TG_OP = 'UPDATE' THEN
          IF OLD.status = 'running' THEN
            RETURN NEW;
          END IF;
        END IF;
        RAISE EXCEPTION 'compliance.%: % is not allowed (snapshots are immutable)', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER snapshots_immutable BEFORE UPDATE OR DELETE ON compliance.snapshots
        FOR EACH ROW EXECUTE FUNCTION compliance.refuse_change();
      CREATE TRIGGER snapshot_balances_immutable BEFORE UPDATE OR DELETE ON compliance.snapshot_balances
        FOR EACH ROW EXECUTE FUNCTION compliance.refuse_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP SCHEMA compliance CASCADE');
  }
}
