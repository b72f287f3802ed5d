import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Least privilege in the withdrawals context:
 * - the owner of the requesting key and of each approving key are recorded, so an approval counts
 *   only from a person other than the requester and the approvers already counted (keys of one
 *   owner are one person);
 * - `approvals_required` may be 0 (a threshold with no approval is the same as no threshold);
 * - the solvency gate: one breaker row per asset (tripped = nothing of that asset is signed until
 *   an admin pair clears it) and the incidents it raised.
 */
export class WithdrawalsLeastPrivilege1764740000000 implements MigrationInterface {
  name = 'WithdrawalsLeastPrivilege1764740000000';

  async up(q: QueryRunner): Promise<void> {
    // Rows from before this migration have no recorded owner (null): they count as owned by their key.
    await q.query(`ALTER TABLE withdrawals.withdrawals ADD COLUMN requester_owner text`);
    await q.query(`ALTER TABLE withdrawals.approvals ADD COLUMN approver_owner text`);
    await q.query(`ALTER TABLE withdrawals.policies DROP CONSTRAINT IF EXISTS policies_approvals_required_check`);
    await q.query(
      `ALTER TABLE withdrawals.policies ADD CONSTRAINT policies_approvals_required_range CHECK (approvals_required BETWEEN 0 AND 10)`,
    );
    await q.query(`
      CREATE TABLE withdrawals.solvency_breakers (
        asset text PRIMARY KEY,
        tripped boolean NOT NULL,
        tripped_at timestamptz,
        reason text,
        detail jsonb,
        incident_id text,
        cleared_by jsonb,
        cleared_at timestamptz,
        clear_change_id text
      )`);
    await q.query(`
      CREATE TABLE withdrawals.solvency_incidents (
        id text PRIMARY KEY,
        asset text NOT NULL,
        batch_id text,
        kind text NOT NULL,
        detail jsonb NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX solvency_incidents_asset_idx ON withdrawals.solvency_incidents (asset, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE withdrawals.solvency_incidents`);
    await q.query(`DROP TABLE withdrawals.solvency_breakers`);
    await q.query(`ALTER TABLE withdrawals.policies DROP CONSTRAINT policies_approvals_required_range`);
    await q.query(
      `ALTER TABLE withdrawals.policies ADD CONSTRAINT policies_approvals_required_check CHECK (approvals_required >= 1)`,
    );
    await q.query(`ALTER TABLE withdrawals.approvals DROP COLUMN approver_owner`);
    await q.query(`ALTER TABLE withdrawals.withdrawals DROP COLUMN requester_owner`);
  }
}
