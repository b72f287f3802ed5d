import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema `deposits`: custody wallets (public data only; moved to the wallet directory by
 * DepositsWalletDirectory1795330300000), deposit addresses, deposits, the
 * per-chain follower cursor with recent block hashes (for reorg walk-back), a lease table (the
 * follower lock on PGlite) and incidents.
 */
export class DepositsInit1795330100000 implements MigrationInterface {
  name = 'DepositsInit1795330100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE SCHEMA IF NOT EXISTS deposits;

      CREATE TABLE deposits.wallets (
        id              text PRIMARY KEY,
        chain           text NOT NULL,
        client_id       text,
        threshold       integer NOT NULL CHECK (threshold >= 1),
        public_keys     jsonb NOT NULL,
        safe_address    text,
        relayer_address text,
        created_at      timestamptz NOT NULL DEFAULT now()
      );
      -- One wallet per (chain, owner); owner '' = the shared operator wallet.
      CREATE UNIQUE INDEX wallets_owner ON deposits.wallets (chain, COALESCE(client_id, ''));

      CREATE TABLE deposits.addresses (
        id          bigserial PRIMARY KEY,
        chain       text NOT NULL,
        asset       text NOT NULL,
        client_id   text NOT NULL,
        user_id     text NOT NULL,
        idx         integer NOT NULL,
        wallet_id   text NOT NULL REFERENCES deposits.wallets (id),
        tag         text NOT NULL,
        address     text NOT NULL,
        address_key text NOT NULL,
        locator     text NOT NULL,
        derivation  text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        UNIQUE (client_id, user_id, asset, idx),
        UNIQUE (chain, address_key)
      );

      CREATE TABLE deposits.deposits (
        seq            bigserial PRIMARY KEY,
        chain          text NOT NULL,
        txid           text NOT NULL,
        output_index   text NOT NULL,
        address_id     bigint NOT NULL REFERENCES deposits.addresses (id),
        address        text NOT NULL,
        client_id      text NOT NULL,
        user_id        text NOT NULL,
        asset          text NOT NULL,
        amount         numeric(78,0) NOT NULL CHECK (amount > 0),
        state          text NOT NULL CHECK (state IN ('seen', 'confirming', 'credited', 'dropped', 'reversed')),
        block_height   integer,
        block_hash     text,
        -- Set when a reorg took its block away: decided (re-included, dropped or reversed) once
        -- the follower is back at this height or at the tip.
        orphaned_until integer,
        confirmations  integer NOT NULL DEFAULT 0,
        credits        integer NOT NULL DEFAULT 0,
        reversals      integer NOT NULL DEFAULT 0,
        first_seen_at  timestamptz NOT NULL,
        updated_at     timestamptz NOT NULL,
        credited_at    timestamptz,
        reversed_at    timestamptz,
        UNIQUE (chain, txid, output_index)
      );
      CREATE INDEX deposits_confirming ON deposits.deposits (chain, block_height) WHERE state = 'confirming';
      CREATE INDEX deposits_orphaned ON deposits.deposits (chain) WHERE orphaned_until IS NOT NULL;
      CREATE INDEX deposits_owner ON deposits.deposits (client_id, user_id, seq);

      CREATE TABLE deposits.cursors (
        chain      text PRIMARY KEY,
        height     integer NOT NULL,
        hash       text NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE TABLE deposits.blocks (
        chain       text NOT NULL,
        height      integer NOT NULL,
        hash        text NOT NULL,
        parent_hash text NOT NULL,
        PRIMARY KEY (chain, height)
      );
      CREATE TABLE deposits.leases (
        chain      text PRIMARY KEY,
        holder     text NOT NULL,
        expires_at timestamptz NOT NULL
      );

      CREATE TABLE deposits.incidents (
        id           bigserial PRIMARY KEY,
        kind         text NOT NULL,
        chain        text NOT NULL,
        deposit_seq  bigint NOT NULL REFERENCES deposits.deposits (seq),
        txid         text NOT NULL,
        output_index text NOT NULL,
        client_id    text NOT NULL,
        user_id      text NOT NULL,
        asset        text NOT NULL,
        amount       numeric(78,0) NOT NULL,
        recovered    numeric(78,0) NOT NULL,
        shortfall    numeric(78,0) NOT NULL,
        detail       jsonb NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        resolved_at  timestamptz
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP SCHEMA deposits CASCADE');
  }
}
