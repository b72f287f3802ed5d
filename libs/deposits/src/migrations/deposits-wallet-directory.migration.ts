import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Custody wallets move to the one wallet directory (wallets.wallets): the rows of
 * deposits.wallets are copied there (label = id, tier 'hot', active: the old table allowed one
 * per chain and owner), deposit addresses reference the directory, and deposits.wallets is
 * dropped. Its timestamp sorts after DepositsInit1795330100000 (whose table it reads) and after
 * WalletsInit1763700000000 (whose table it fills), and before the key registry's own move
 * (KeysWalletDirectory1795330400000), so on an existing database the deposits' rows, which
 * deposit addresses were derived from, are there first.
 */
export class DepositsWalletDirectory1795330300000 implements MigrationInterface {
  name = 'DepositsWalletDirectory1795330300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      INSERT INTO wallets.wallets (id, label, client_id, chain, tier, threshold, public_keys, safe_address,
                                   relayer_address, status, created_at)
      SELECT d.id, d.id, d.client_id, d.chain, 'hot', d.threshold, d.public_keys, d.safe_address,
             d.relayer_address,
             CASE WHEN EXISTS (
               SELECT 1 FROM wallets.wallets x
                WHERE x.chain = d.chain AND COALESCE(x.client_id, '') = COALESCE(d.client_id, '')
                  AND x.tier = 'hot' AND x.status IN ('active', 'suspended')
             ) THEN 'inactive' ELSE 'active' END,
             d.created_at
        FROM deposits.wallets d
       WHERE NOT EXISTS (SELECT 1 FROM wallets.wallets y WHERE y.id = d.id);
      ALTER TABLE deposits.addresses DROP CONSTRAINT addresses_wallet_id_fkey;
      ALTER TABLE deposits.addresses
        ADD CONSTRAINT addresses_wallet_id_fkey FOREIGN KEY (wallet_id) REFERENCES wallets.wallets (id);
      DROP TABLE deposits.wallets;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
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
      CREATE UNIQUE INDEX wallets_owner ON deposits.wallets (chain, COALESCE(client_id, ''));
      INSERT INTO deposits.wallets (id, chain, client_id, threshold, public_keys, safe_address, relayer_address, created_at)
      SELECT id, chain, client_id, threshold, public_keys, safe_address, relayer_address, created_at
        FROM wallets.wallets w
       WHERE w.tier = 'hot' AND (w.status IN ('active', 'suspended')
          OR EXISTS (SELECT 1 FROM deposits.addresses a WHERE a.wallet_id = w.id));
      ALTER TABLE deposits.addresses DROP CONSTRAINT addresses_wallet_id_fkey;
      ALTER TABLE deposits.addresses
        ADD CONSTRAINT addresses_wallet_id_fkey FOREIGN KEY (wallet_id) REFERENCES deposits.wallets (id);
    `);
  }
}
