import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema `treasury`: float policies per asset and owner (a segregated client or `operator`), the
 * readings each recomputation writes (inputs, rule, outcome), the rebalances between the hot and
 * cold wallets they plan or request, the approvals of those by distinct people, and the claims
 * that let one replica per deployment run each scheduled tick.
 */
export class TreasuryInit1796100000000 implements MigrationInterface {
  name = 'TreasuryInit1796100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE SCHEMA IF NOT EXISTS treasury;
      CREATE TABLE treasury.policies (
        asset              text NOT NULL,
        owner              text NOT NULL,
        kind               text NOT NULL CHECK (kind IN ('fixed', 'outflow')),
        rule               jsonb NOT NULL,
        lead_time_seconds  integer NOT NULL CHECK (lead_time_seconds >= 0),
        approvals_required integer NOT NULL CHECK (approvals_required BETWEEN 2 AND 10),
        updated_by         text NOT NULL,
        updated_at         timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (asset, owner)
      );
      CREATE TABLE treasury.float_readings (
        id             bigserial PRIMARY KEY,
        asset          text NOT NULL,
        owner          text NOT NULL,
        slot           bigint,
        hot_wallet_id  text,
        cold_wallet_id text,
        balance        numeric(78,0) NOT NULL,
        target         numeric(78,0) NOT NULL,
        lower_bound    numeric(78,0) NOT NULL,
        upper_bound    numeric(78,0) NOT NULL,
        inputs         jsonb NOT NULL,
        rule           jsonb NOT NULL,
        outcome        text NOT NULL CHECK (outcome IN ('ok', 'above_upper', 'below_lower', 'no_wallet')),
        runout_seconds bigint,
        runout_alert   boolean NOT NULL DEFAULT false,
        rebalance_id   text,
        created_at     timestamptz NOT NULL DEFAULT now()
      );
      -- A scheduled tick reads each float once, whichever replica runs it.
      CREATE UNIQUE INDEX float_readings_slot ON treasury.float_readings (asset, owner, slot) WHERE slot IS NOT NULL;
      CREATE INDEX float_readings_latest ON treasury.float_readings (asset, owner, id DESC);
      CREATE TABLE treasury.rebalances (
        id                 text PRIMARY KEY,
        seq                bigserial UNIQUE,
        asset              text NOT NULL,
        owner              text NOT NULL,
        direction          text NOT NULL CHECK (direction IN ('hot_to_cold', 'cold_to_hot')),
        amount             numeric(78,0) NOT NULL CHECK (amount > 0),
        reason             text NOT NULL,
        from_wallet_id     text NOT NULL,
        to_wallet_id       text NOT NULL,
        status             text NOT NULL CHECK (status IN ('planned', 'pending_approval', 'approved', 'cancelled')),
        approvals_required integer NOT NULL,
        reading_id         bigint NOT NULL REFERENCES treasury.float_readings (id),
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now()
      );
      -- At most one open rebalance per float and direction: a later reading updates or cites it.
      CREATE UNIQUE INDEX rebalances_open ON treasury.rebalances (asset, owner, direction)
        WHERE status IN ('planned', 'pending_approval');
      CREATE TABLE treasury.rebalance_approvals (
        rebalance_id text NOT NULL REFERENCES treasury.rebalances (id),
        owner        text NOT NULL,
        key_id       text NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (rebalance_id, owner)
      );
      CREATE TABLE treasury.schedule_claims (
        job        text NOT NULL,
        slot       bigint NOT NULL,
        claimed_by text NOT NULL,
        claimed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (job, slot)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP SCHEMA treasury CASCADE');
  }
}
