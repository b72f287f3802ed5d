import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setupEthereumCustody, type EthereumCustody } from '@strongroom/chains-ethereum';
import { KeyRegistry, KmsSigner } from '@strongroom/keys';
import { startAnvil, type Anvil } from '@strongroom/local-services/anvil';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import { readRecoveryFile } from '@strongroom/recovery';
import { testBackends } from '@strongroom/testing';
import { Wallet } from 'ethers';
import { Deposits, Instance, kmsEnv, run } from '../testing/recovery-instance';

/**
 * Recovery without Strongroom on Ethereum: a Safe of kms-local keys, ETH credited on CREATE2
 * deposit addresses and ETH on the Safe itself; the recovery file exported, the database deleted,
 * and the stand-alone tool sweeps the deposit addresses through the factory and the Safe to a new
 * address (gas paid by the relayer key), so the new address holds exactly what custody held.
 */
jest.setTimeout(900_000);
const ETH = 10n ** 18n;
const CLI = 'tools/cli/src/main.ts';
const TOOL = 'tools/recovery/src/main.ts';

describe.each(testBackends())('recovery of an Ethereum Safe and its deposit addresses [%s]', (backend) => {
  let kms: KmsLocalHandle;
  let anvil: Anvil;
  let instance: Instance;
  let signer: KmsSigner;
  let dir: string;

  beforeAll(async () => {
    [kms, anvil] = await Promise.all([startKmsLocal(), startAnvil()]);
    signer = new KmsSigner(kms.config);
    instance = await Instance.open(backend);
    dir = await mkdtemp(path.join(tmpdir(), 'recovery-eth-'));
  });
  afterAll(async () => {
    signer?.destroy();
    await instance?.destroy();
    await anvil?.stop();
    await kms?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('moves all ETH and ERC-20 (Safe and unswept deposit addresses) after the database is deleted', async () => {
    const env = { ...kmsEnv(kms), ...instance.env };
    const ceremony = ['keys', 'ceremony', '--chain', 'ethereum', '--threshold', '2', '--keys', '3', '--relayer'];
    const made = await run(CLI, [...ceremony, '--label', 'hot-eth'], env);
    expect(made.code).toBe(0);
    const alias = (name: string) => `alias/strongroom/hot-eth/${name}`;
    const custody: EthereumCustody = await setupEthereumCustody(anvil, signer, {
      owners: [1, 2, 3].map((i) => alias(`cosigner-${i}`)),
      relayer: alias('relayer'),
      threshold: 2,
    });
    expect((await run(CLI, ['keys', 'safe', 'hot-eth', custody.safe], env)).code).toBe(0);

    const { walletIds, users, ledgerHeld } = await instance.with(async (db) => {
      const wallets = await new KeyRegistry(db).directory.list();
      const deposits = new Deposits(null, db, () => custody.adapter);
      const start = Number(await anvil.provider.getBlockNumber()) + 1;
      const follower = deposits.follower(start);
      const users = [await deposits.issue('c1', 'alice', 'ETH'), await deposits.issue('c1', 'bob', 'ETH')];
      for (const [i, a] of users.entries()) await anvil.waitMined(await anvil.sendEth(a, BigInt(i + 1) * ETH));
      await anvil.mine(2);
      await follower.syncToTip();
      const ids = wallets.map((w) => w.id);
      return { walletIds: ids, users, ledgerHeld: await deposits.custody(ids, 'ETH') };
    });
    expect(ledgerHeld).toBe(3n * ETH);
    // ETH on the Safe itself, not through a deposit address: custody's own coins. And an ERC-20
    // (not configured here, so outside the ledger) on the Safe and on an unswept deposit address.
    await anvil.waitMined(await anvil.sendEth(custody.safe, ETH / 2n));
    const token = await anvil.deployToken({ symbol: 'USDC', decimals: 6 });
    await anvil.mintToken(token, custody.safe, 1_000_000n);
    await anvil.mintToken(token, users[0], 250_000n);

    const file = path.join(dir, 'recovery.json');
    const exported = await run(CLI, ['recovery', 'export', '--out', file], env);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const body = readRecoveryFile(await readFile(file, 'utf8')).body;
    expect(body.wallets.map((w) => w.id)).toEqual(walletIds);
    expect(body.wallets[0].ethereum!.deposits).toHaveLength(2);
    await instance.destroy();

    const to = Wallet.createRandom().address;
    const swept = await run(
      TOOL,
      ['ethereum', file, '--to', to, '--rpc-url', anvil.rpcUrl, '--token', token],
      kmsEnv(kms),
    );
    expect(swept.stderr).toBe('');
    expect(swept.code).toBe(0);
    expect(await anvil.provider.getBalance(to)).toBe(ledgerHeld + ETH / 2n);
    expect(await anvil.tokenBalance(token, to)).toBe(1_250_000n);
    expect(await anvil.tokenBalance(token, custody.safe)).toBe(0n);
    expect(await anvil.provider.getBalance(custody.safe)).toBe(0n);
    for (const d of body.wallets[0].ethereum!.deposits) expect(await anvil.provider.getBalance(d.address)).toBe(0n);
  });
});
