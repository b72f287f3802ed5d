import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schema `wallets`: the one wallet directory. Every custody wallet's public side (owner, chain,
 * tier, m-of-n public keys, Safe and relayer), whoever registered it. Key handles stay in the key
 * registry (schema `keys`), which references these ids. The contexts that used to keep their own
 * copy (deposits.wallets, keys.wallets) move their rows here in their own later migrations.
 * Its timestamp sorts before every migration of the contexts that depend on it.
 */
export class WalletsInit1763700000000 implements MigrationInterface {
  name = 'WalletsInit1763700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE SCHEMA IF NOT EXISTS wallets;
      CREATE TABLE wallets.wallets (
        id                 text PRIMARY KEY,
        label              text NOT NULL UNIQUE,
        client_id          text,
        chain              text NOT NULL,
        tier               text NOT NULL DEFAULT 'hot' CHECK (tier IN ('hot', 'warm', 'cold')),
        threshold          integer NOT NULL CHECK (threshold >= 1),
        public_keys        jsonb NOT NULL,
        safe_address       text,
        relayer_address    text,
        relayer_public_key text,
        status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'inactive')),
        created_at         timestamptz NOT NULL DEFAULT now()
      );
      -- One serving wallet per slot (chain, owner, tier); owner '' = the operator's pool.
      CREATE UNIQUE INDEX wallets_slot ON wallets.wallets (chain, COALESCE(client_id, ''), tier)
        WHERE status IN ('active', 'suspended');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP SCHEMA wallets CASCADE');
  }
}
