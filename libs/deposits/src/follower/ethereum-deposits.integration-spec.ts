import { EthereumAdapter } from '@strongroom/chains-ethereum';
import { LedgerService } from '@strongroom/ledger';
import { AssetRegistry } from '@strongroom/shared-assets';
import { describeEachBackend } from '@strongroom/testing';
import { startAnvil, type Anvil } from '@strongroom/local-services/anvil';
import { DepositAddresses } from '../addresses/deposit-addresses';
import { DepositQueries } from '../deposit-queries';
import { depositsContext } from '../deposits.context';
import { CustodyWallets } from '../wallets/custody-wallets';
import { depositTransferId } from './deposit-book';
import { DepositFollower } from './deposit-follower';
import { registerWatchOnlyWallet } from '../testing/watch-only-wallet';

/**
 * End to end on anvil through the real Ethereum adapter: ETH (keyed "native") and ERC-20
 * (keyed by log index) deposits to CREATE2 deposit addresses, confirmations, a real reorg
 * (anvil_reorg), and a follower killed mid-block.
 */
const ETH = 10n ** 18n;
const USD = 10n ** 6n;
const CONFIRMATIONS = 3;
class Killed extends Error {}

let anvil: Anvil;
let usdc: string;
const adapters: EthereumAdapter[] = [];
beforeAll(async () => {
  anvil = await startAnvil();
  usdc = await anvil.deployToken({ symbol: 'USDC', decimals: 6 });
  await anvil.mintToken(usdc, anvil.accounts[0], 1_000_000n * USD);
});
afterAll(async () => {
  for (const a of adapters) a.close();
  await anvil?.stop();
});

describeEachBackend('Ethereum deposits on anvil', { contexts: [depositsContext] }, (ctx) => {
  let assets: AssetRegistry;
  let ledger: LedgerService;
  let queries: DepositQueries;
  let addresses: DepositAddresses;
  let follower: DepositFollower;
  let killAt: string | undefined;
  const client = `c${Math.random().toString(36).slice(2, 8)}`;

  const adapter = () => {
    const a = new EthereumAdapter({
      rpcUrl: anvil.rpcUrl,
      network: 'anvil',
      chainId: anvil.chainId,
      tokens: [{ asset: 'USDC', address: usdc }],
    });
    adapters.push(a);
    return a;
  };
  const startFollower = async () =>
    new DepositFollower({
      db: ctx().db,
      adapter: adapter(),
      assets,
      ledger,
      startHeight: (await anvil.height()) + 1,
      checkpoint: (point) => {
        if (point === killAt) {
          killAt = undefined;
          throw new Killed(point);
        }
      },
    });
  const balance = async (user: string, asset: string): Promise<bigint> => {
    const a = await ledger.findAccount({ clientId: client, ownerId: user, asset, kind: 'user' });
    if (!a) return 0n;
    const b = await ledger.balances(a.id);
    return b.creditsPosted - b.debitsPosted;
  };
  const addressOf = async (user: string, asset: string) =>
    (await addresses.issue({ clientId: client, userId: user, asset })).address.address;
  const depositsOf = (txid: string) => queries.deposits({ txid });

  beforeAll(async () => {
    const { db } = ctx();
    assets = new AssetRegistry().withAssets([
      { code: 'ETH', confirmations: CONFIRMATIONS },
      { code: 'USDC', confirmations: CONFIRMATIONS, contracts: { anvil: usdc } },
    ]);
    ledger = new LedgerService(db);
    queries = new DepositQueries(db, assets);
    const wallets = new CustodyWallets(db);
    // Deposit addresses derive from the Safe's address; watching needs no Safe code on chain.
    await registerWatchOnlyWallet(wallets, 'eth-hot', 'ethereum');
    addresses = new DepositAddresses(db, wallets, assets, [adapter()], ledger);
    follower = await startFollower();
    await follower.syncToTip();
  });

  it('credits ETH and ERC-20 deposits exactly once after 3 confirmations', async () => {
    const aliceEth = await addressOf('alice', 'ETH');
    const aliceUsd = await addressOf('alice', 'USDC');
    const bobUsd = await addressOf('bob', 'USDC');
    const e1 = await anvil.sendEth(aliceEth, 2n * ETH);
    const u1 = await anvil.transferToken(usdc, aliceUsd, 150n * USD);
    const u2 = await anvil.transferToken(usdc, bobUsd, 70n * USD);
    const u3 = await anvil.transferToken(usdc, aliceUsd, 5n * USD);
    await follower.syncToTip();
    // Each transaction mined its own block: the last is 1 deep, the first 4.
    expect((await depositsOf(e1))[0]).toMatchObject({
      index: 'native',
      asset: 'ETH',
      state: 'credited',
      amount: 2n * ETH,
    });
    expect((await depositsOf(u3))[0]).toMatchObject({ asset: 'USDC', state: 'confirming', confirmations: 1 });
    await anvil.mine(CONFIRMATIONS);
    await follower.syncToTip();
    await (await startFollower()).syncToTip();
    expect(await balance('alice', 'ETH')).toBe(2n * ETH);
    expect(await balance('alice', 'USDC')).toBe(155n * USD);
    expect(await balance('bob', 'USDC')).toBe(70n * USD);
    for (const txid of [e1, u1, u2, u3]) {
      const [d] = await depositsOf(txid);
      expect(d).toMatchObject({ state: 'credited', credits: 1 });
      await expect(
        ledger.getTransfer(depositTransferId('deposit', 'ethereum', d.txid, d.index, 1)),
      ).resolves.toMatchObject({ amount: d.amount });
    }
  });

  it('a real reorg drops an unconfirmed deposit and reverses a credited one with an incident', async () => {
    const carol = await addressOf('carol', 'ETH');
    const dave = await addressOf('dave', 'USDC');
    const deep = await anvil.sendEth(carol, 1n * ETH);
    await anvil.mine(CONFIRMATIONS - 1);
    const shallow = await anvil.transferToken(usdc, dave, 9n * USD);
    await follower.syncToTip();
    expect((await depositsOf(deep))[0].state).toBe('credited');
    expect((await depositsOf(shallow))[0].state).toBe('confirming');
    await anvil.reorg(CONFIRMATIONS + 1); // replaces the blocks holding both, without their transactions
    await anvil.mine(1);
    const steps = await follower.syncToTip();
    expect(steps.some((s) => s.kind === 'reorg')).toBe(true);
    expect((await depositsOf(shallow))[0].state).toBe('dropped');
    expect((await depositsOf(deep))[0]).toMatchObject({ state: 'reversed', reversals: 1 });
    expect(await balance('carol', 'ETH')).toBe(0n);
    const incidents = await queries.incidents({ clientId: client });
    expect(incidents.map((i) => [i.userId, i.asset, i.amount, i.shortfall])).toEqual([['carol', 'ETH', 1n * ETH, 0n]]);
    expect((await ledger.checkInvariants()).ok).toBe(true);
  });

  it.each(['transfers-recorded', 'ledger-credited', 'before-commit', 'after-commit'])(
    'a follower killed at %s and restarted credits exactly once',
    async (point) => {
      const user = `erin-${point}`;
      const erin = await addressOf(user, 'USDC');
      const t = await anvil.transferToken(usdc, erin, 12n * USD);
      await anvil.mine(CONFIRMATIONS);
      killAt = point;
      await expect(follower.syncToTip()).rejects.toThrow(Killed);
      follower = await startFollower();
      await follower.syncToTip();
      expect(await balance(user, 'USDC')).toBe(12n * USD);
      expect((await depositsOf(t))[0]).toMatchObject({ state: 'credited', credits: 1 });
      expect((await ledger.checkInvariants()).ok).toBe(true);
    },
  );
});
