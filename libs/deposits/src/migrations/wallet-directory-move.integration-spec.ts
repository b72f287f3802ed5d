import type { ContextDescriptor, Database } from '@strongroom/persistence';
import { KeyRegistry, keysContext } from '@strongroom/keys';
import { describeEachBackend } from '@strongroom/testing';
import { WalletDirectory, WalletsInit1763700000000 } from '@strongroom/wallets';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DepositsInit1795330100000 } from './deposits-init.migration';
import { DepositsVanished1795330200000 } from './deposits-vanished.migration';
import { DepositsWalletDirectory1795330300000 } from './deposits-wallet-directory.migration';

const key = (n: number) => `02${n.toString(16).padStart(2, '0').repeat(32)}`;
// The secp256k1 generator point, compressed: a valid public key the other fixtures do not use.
const GENERATOR = '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';
const SAFE = '0x' + '5a'.repeat(20);
const ETH = '11111111-0000-4000-8000-000000000001';
const ZETA = '22222222-0000-4000-8000-000000000002';
const SPARE = '33333333-0000-4000-8000-000000000003';

const [KeysInit1763820000000, KeysWalletDirectory1795330400000] = keysContext.migrations;

/** Runs one migration's `up` on the database (migrations only call `query`). */
async function up(db: Database, m: MigrationInterface): Promise<void> {
  await m.up({ query: (sql: string) => db.query(sql) } as unknown as QueryRunner);
}

/** A database as the releases before the wallet directory left it. */
async function oldRows(db: Database): Promise<void> {
  const wallet = `INSERT INTO deposits.wallets (id, chain, client_id, threshold, public_keys, safe_address, relayer_address)
                  VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)`;
  await db.query(wallet, ['btc-pool', 'bitcoin', null, 2, JSON.stringify([key(1), key(2), key(3)]), null, null]);
  await db.query(wallet, ['btc-acme', 'bitcoin', 'acme', 1, JSON.stringify([key(4)]), null, null]);
  await db.query(wallet, [ETH, 'ethereum', null, 1, JSON.stringify([key(5)]), SAFE, '0xRelayer']);
  await db.query(
    `INSERT INTO deposits.addresses (chain, asset, client_id, user_id, idx, wallet_id, tag, address, address_key, locator, derivation)
     VALUES ('bitcoin', 'BTC', 'acme', 'u1', 0, 'btc-acme', 't', 'bc1x', 'bc1x', 'l', 'd')`,
  );
  const registry = `INSERT INTO keys.wallets (id, label, chain, threshold, key_count, status) VALUES ($1, $2, $3, $4, $5, $6)`;
  const keyRow = `INSERT INTO keys.wallet_keys (wallet_id, role, position, kms_key_id, public_key, ethereum_address)
                  VALUES ($1, $2, $3, $4, $5, $6)`;
  // The embedded default: the registry's wallet under the same id as the deposits' one.
  await db.query(registry, [ETH, 'ethereum', 'ethereum', 1, 1, 'usable']);
  await db.query(keyRow, [ETH, 'cosigner', 0, 'alias/e1', key(5), '0xE1']);
  await db.query(keyRow, [ETH, 'relayer', 0, 'alias/r', key(6), '0xRelayer']);
  // A client's wallet named by the label convention; another operator wallet (default label).
  await db.query(registry, [ZETA, 'bitcoin-zeta', 'bitcoin', 1, 1, 'usable']);
  await db.query(keyRow, [ZETA, 'cosigner', 0, 'alias/z', key(7), '0xZ']);
  await db.query(registry, [SPARE, `bitcoin-${SPARE.slice(0, 8)}`, 'bitcoin', 1, 1, 'unverified']);
  await db.query(keyRow, [SPARE, 'cosigner', 0, 'alias/s', key(8), '0xS']);
}

/** The schemas as they were: deposits and keys with their own wallet tables. */
const before: ContextDescriptor[] = [
  { name: 'keys', schema: 'keys', migrations: [KeysInit1763820000000], dependsOn: [] },
  {
    name: 'deposits',
    schema: 'deposits',
    migrations: [DepositsInit1795330100000, DepositsVanished1795330200000],
    dependsOn: [],
  },
];

describeEachBackend('custody wallets moved into the wallet directory', { contexts: before }, (ctx) => {
  beforeAll(async () => {
    const { db } = ctx();
    await oldRows(db);
    for (const m of [WalletsInit1763700000000, DepositsWalletDirectory1795330300000, KeysWalletDirectory1795330400000])
      await up(db, new m());
  });

  it('moves the deposits wallets and the key registry wallets into one table, merging the shared id', async () => {
    const all = await new WalletDirectory(ctx().db).list();
    const view = all.map((w) => [w.id, w.label, w.clientId, w.chain, w.status, w.publicKeys.length]);
    expect(view).toEqual([
      [ETH, 'ethereum', null, 'ethereum', 'active', 1],
      [ZETA, 'bitcoin-zeta', 'zeta', 'bitcoin', 'active', 1],
      // The deposits' pool wallet already serves the operator on Bitcoin.
      [SPARE, `bitcoin-${SPARE.slice(0, 8)}`, null, 'bitcoin', 'inactive', 1],
      ['btc-acme', 'btc-acme', 'acme', 'bitcoin', 'active', 1],
      ['btc-pool', 'btc-pool', null, 'bitcoin', 'active', 3],
    ]);
    expect(all[0]).toMatchObject({ safeAddress: SAFE, relayerAddress: '0xRelayer', relayerPublicKey: key(6) });
    expect(all.every((w) => w.tier === 'hot')).toBe(true);
  });

  it('leaves deposits and the key registry working over the directory', async () => {
    const { db } = ctx();
    await expect(db.query(`SELECT 1 FROM deposits.wallets`)).rejects.toThrow();
    await expect(
      db.query(
        `INSERT INTO deposits.addresses (chain, asset, client_id, user_id, idx, wallet_id, tag, address, address_key, locator, derivation)
           VALUES ('bitcoin', 'BTC', 'acme', 'u2', 0, 'no-such-wallet', 't', 'bc1y', 'bc1y', 'l', 'd')`,
      ),
    ).rejects.toThrow();
    const registry = new KeyRegistry(db);
    const wallets = await registry.wallets();
    expect(wallets.map((w) => [w.id, w.label, w.clientId, w.status])).toEqual([
      [ETH, 'ethereum', null, 'usable'],
      [ZETA, 'bitcoin-zeta', 'zeta', 'usable'],
      [SPARE, `bitcoin-${SPARE.slice(0, 8)}`, null, 'unverified'],
    ]);
    expect((await registry.wallet('ethereum')).safeAddress).toBe(SAFE);
    expect((await registry.wallet('ethereum')).relayer?.kmsKeyId).toBe('alias/r');
    // A new ceremony goes into the directory; the taken operator slot leaves it inactive.
    const added = await registry.registerWallet({
      chain: 'bitcoin',
      threshold: 1,
      keys: [{ kmsKeyId: 'alias/n', publicKey: key(9) }],
    });
    expect(await registry.directory.walletById(added.id)).toMatchObject({ clientId: null, status: 'inactive' });
    const own = await registry.registerWallet({
      chain: 'bitcoin',
      clientId: 'newco',
      threshold: 1,
      keys: [{ kmsKeyId: 'alias/c', publicKey: GENERATOR }],
    });
    expect((await registry.directory.walletFor('bitcoin', 'newco'))?.id).toBe(own.id);
  });
});
