import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1';
import { KeyRegistry } from '@strongroom/keys';
import { startBitcoinRegtest, type BitcoinRegtest } from '@strongroom/local-services/bitcoin-regtest';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import { readRecoveryFile, redigestedFile } from '@strongroom/recovery';
import { testBackends } from '@strongroom/testing';
import { address as baddress, networks, payments } from 'bitcoinjs-lib';
import { Deposits, Instance, kmsEnv, run } from '../testing/recovery-instance';

/**
 * Recovery without Strongroom: a funded instance (two KMS-keyed wallets, deposits credited by the
 * follower, coins on the wallets' own addresses) exports its recovery file, its database is
 * deleted, and the stand-alone tool, in its own process with only the file, the node and KMS,
 * moves every coin to a new address. Tampered files and plans paying elsewhere are refused.
 */
jest.setTimeout(900_000);
const BTC = 100_000_000n;
const CLI = 'tools/cli/src/main.ts';
const TOOL = 'tools/recovery/src/main.ts';

const freshAddress = () =>
  payments.p2wpkh({
    pubkey: secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true),
    network: networks.regtest,
  }).address!;
const sum = (xs: { value: bigint }[]) => xs.reduce((s, x) => s + x.value, 0n);

const tampered = redigestedFile;

describe.each(testBackends())('recovery export and the stand-alone recovery tool [%s]', (backend) => {
  let kms: KmsLocalHandle;
  let node: BitcoinRegtest;
  let instance: Instance;
  let dir: string;
  const signs = () => kms.server.stats.byOperation.Sign ?? 0;

  beforeAll(async () => {
    [kms, node] = await Promise.all([startKmsLocal(), startBitcoinRegtest()]);
    instance = await Instance.open(backend);
    dir = await mkdtemp(path.join(tmpdir(), 'recovery-files-'));
  });
  afterAll(async () => {
    await instance?.destroy();
    await node?.stop();
    await kms?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("moves every BTC (deposit addresses and the wallets' own) after the database is deleted", async () => {
    const env = { ...kmsEnv(kms), ...instance.env };
    // A hot wallet and a cold one (its own keys, never signing automatically): the file holds both.
    const ceremony = [
      'keys',
      'ceremony',
      '--chain',
      'bitcoin',
      '--threshold',
      '2',
      '--keys',
      '3',
      '--network',
      'regtest',
    ];
    for (const extra of [
      ['--label', 'hot-btc'],
      ['--label', 'cold-btc', '--tier', 'cold'],
    ]) {
      const r = await run(CLI, [...ceremony, ...extra], env);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    // Deposits to three users' addresses, credited by the follower; coins on both wallets' change addresses.
    const { walletIds, changeAddresses, ledgerHeld } = await instance.with(async (db) => {
      const registry = new KeyRegistry(db);
      const wallets = await registry.directory.list();
      const deposits = new Deposits(node, db);
      const follower = deposits.follower(node.height() + 1);
      const users = await Promise.all(['alice', 'bob', 'carol'].map((u) => deposits.issue('c1', u)));
      await node.send([
        { address: users[0], sats: 2n * BTC },
        { address: users[1], sats: 30_000_000n },
        { address: users[2], sats: 1_234_567n },
      ]);
      await node.fund(users[0], 5_000_000n);
      const adapter = deposits.bitcoin();
      const changes = wallets.map((w) => adapter.changeAddress(w).address);
      await node.send(changes.map((address, i) => ({ address, sats: BigInt(i + 1) * 10_000_000n })));
      await node.mine(2);
      await follower.syncToTip();
      return {
        walletIds: wallets.map((w) => w.id),
        changeAddresses: changes,
        ledgerHeld: await deposits.custody(wallets.map((w) => w.id)),
      };
    });
    const deposited = 2n * BTC + 30_000_000n + 1_234_567n + 5_000_000n;
    // The ledger books what the deposit addresses received; the change coins are the wallets' own.
    expect(ledgerHeld).toBe(deposited);
    const ownCoins = 10_000_000n + 20_000_000n;

    const file = path.join(dir, 'recovery.json');
    const exported = await run(CLI, ['recovery', 'export', '--out', file, '--network', 'regtest'], env);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const text = await readFile(file, 'utf8');
    const body = readRecoveryFile(text).body;
    expect(body.wallets.map((w) => w.id).sort()).toEqual([...walletIds].sort());
    expect(body.wallets.map((w) => w.tier).sort()).toEqual(['cold', 'hot']);
    const addresses = body.wallets.flatMap((w) => w.bitcoin!.scripts.map((s) => s.address));
    expect(addresses).toEqual(expect.arrayContaining(changeAddresses));
    expect(addresses).toHaveLength(2 + 3);

    await instance.destroy();
    if (backend === 'pglite') expect(existsSync(instance.env.STRONGROOM_DATA_DIR)).toBe(false);

    const rpc = ['--rpc-url', node.rpcUrl, '--rpc-user', node.rpcUser, '--rpc-password', node.rpcPassword];
    const tool = (args: string[]) => run(TOOL, args, kmsEnv(kms));
    const verified = await tool(['verify', file, '--kms']);
    expect(verified.stderr).toBe('');
    expect(verified.stdout).toContain(readRecoveryFile(text).digest);
    expect(verified.stdout).toContain('every key matches KMS');

    // A changed public key or address, even with the digest recomputed: its wallet's signatures fail.
    const other = body.wallets[1].keys[0];
    const badKey = path.join(dir, 'bad-key.json');
    await writeFile(
      badKey,
      tampered(text, (f) => {
        const k = f.body.wallets[0].keys[0];
        [k.publicKey, k.ethereumAddress] = [other.publicKey, other.ethereumAddress];
      }),
    );
    const attacker = freshAddress();
    const badAddress = path.join(dir, 'bad-address.json');
    await writeFile(
      badAddress,
      tampered(text, (f) => {
        const s = f.body.wallets.find((w) => w.bitcoin!.scripts.length > 1)!.bitcoin!.scripts[1];
        // Another P2WSH address (one whose script the attacker holds), in the same form.
        s.address = baddress.toBech32(randomBytes(32), 0, networks.regtest.bech32);
        s.scriptPubKey = Buffer.from(baddress.toOutputScript(s.address, networks.regtest)).toString('hex');
      }),
    );
    for (const bad of [badKey, badAddress]) {
      const r = await tool(['bitcoin', bad, '--to', attacker, ...rpc]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/valid signature\(s\) of its keys over the file, 2 required/);
    }
    // A plan someone prepared paying their own address is refused under the operator's --to, before any KMS call.
    const to = freshAddress();
    const evil = path.join(dir, 'evil-plan.json');
    const planned = await tool(['bitcoin', file, '--to', attacker, '--plan-out', evil, ...rpc]);
    expect(planned.code).toBe(0);
    const before = signs();
    const refused = await tool(['bitcoin', file, '--to', to, '--plan', evil, ...rpc]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/does not pay only the address the operator gave/);
    expect(signs()).toBe(before);
    expect(await node.unspent([attacker])).toEqual([]);

    const swept = await tool(['bitcoin', file, '--to', to, '--fee-rate', '2', ...rpc]);
    expect(swept.stderr).toBe('');
    expect(swept.code).toBe(0);
    await node.mine(1);
    const fees = [...swept.stdout.matchAll(/fee (\d+) sat/g)].reduce((s, m) => s + BigInt(m[1]), 0n);
    expect(fees).toBeGreaterThan(0n);
    expect(await node.unspent(addresses)).toEqual([]);
    expect(sum(await node.unspent([to]))).toBe(ledgerHeld + ownCoins - fees);
  });
});
