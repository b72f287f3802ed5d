import type { MigrationInterface, QueryRunner } from 'typeorm';
import { KeysWalletDirectory1795330400000 } from './keys-wallet-directory.migration';

/**
 * The key registry: custody wallets and the KMS keys behind them, with the public keys recorded
 * at ceremony time. A key belongs to one wallet only (unique public key).
 */
export class KeysInit1763820000000 implements MigrationInterface {
  name = 'KeysInit1763820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS keys`);
    await q.query(`
      CREATE TABLE keys.wallets (
        id uuid PRIMARY KEY,
        label text NOT NULL UNIQUE,
        chain text NOT NULL CHECK (chain IN ('bitcoin', 'ethereum')),
        threshold integer NOT NULL CHECK (threshold >= 1),
        key_count integer NOT NULL CHECK (key_count >= threshold AND key_count <= 20),
        status text NOT NULL DEFAULT 'unverified' CHECK (status IN ('unverified', 'usable', 'unusable')),
        status_reason text,
        verified_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE keys.wallet_keys (
        wallet_id uuid NOT NULL REFERENCES keys.wallets (id),
        role text NOT NULL CHECK (role IN ('cosigner', 'relayer')),
        position integer NOT NULL CHECK (position >= 0),
        kms_key_id text NOT NULL,
        kms_key_arn text,
        public_key text NOT NULL UNIQUE CHECK (public_key ~ '^0[23][0-9a-f]{64}$'),
        ethereum_address text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (wallet_id, role, position)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE keys.wallet_keys`);
    await q.query(`DROP TABLE keys.wallets`);
  }
}

export { KeysWalletDirectory1795330400000 };
