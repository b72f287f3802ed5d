import { AssetRegistry } from '@strongroom/shared-assets';
import { describeEachBackend } from '@strongroom/testing';
import type { Anvil } from '@strongroom/local-services/anvil';
import { depositsContext } from '../deposits.context';
import { depositTransferId } from './deposit-book';
import { anvilWithUsdc } from '../testing/anvil-with-usdc';
import { Killed, LiveFollower } from '../testing/live-follower';

/**
 * End to end on anvil through the real Ethereum adapter: ETH (keyed "native") and ERC-20
 * (keyed by log index) deposits to CREATE2 deposit addresses, confirmations, a real reorg
 * (anvil_reorg), and a follower killed mid-block.
 */
const ETH = 10n ** 18n;
const USD = 10n ** 6n;
const CONFIRMATIONS = 3;

const node = anvilWithUsdc(1_000_000n * USD);
let anvil: Anvil;
let usdc: string;
beforeAll(() => {
  ({ anvil, usdc } = node());
});

describeEachBackend('Ethereum deposits on anvil', { contexts: [depositsContext] }, (ctx) => {
  let live: LiveFollower;

  beforeAll(async () => {
    live = await LiveFollower.open(ctx().db, {
      assets: new AssetRegistry().withAssets([
        { code: 'ETH', confirmations: CONFIRMATIONS },
        { code: 'USDC', confirmations: CONFIRMATIONS, contracts: { anvil: usdc } },
      ]),
      adapter: () => node().adapter(),
      startHeight: async () => (await anvil.height()) + 1,
      // Deposit addresses derive from the Safe's address; watching needs no Safe code on chain.
      wallet: { id: 'eth-hot', chain: 'ethereum' },
    });
  });

  it('credits ETH and ERC-20 deposits exactly once after 3 confirmations', async () => {
    const aliceEth = await live.addressOf('alice', 'ETH');
    const aliceUsd = await live.addressOf('alice', 'USDC');
    const bobUsd = await live.addressOf('bob', 'USDC');
    const e1 = await anvil.sendEth(aliceEth, 2n * ETH);
    const u1 = await anvil.transferToken(usdc, aliceUsd, 150n * USD);
    const u2 = await anvil.transferToken(usdc, bobUsd, 70n * USD);
    const u3 = await anvil.transferToken(usdc, aliceUsd, 5n * USD);
    await live.follower.syncToTip();
    // Each transaction mined its own block: the last is 1 deep, the first 4.
    expect((await live.depositsOf(e1))[0]).toMatchObject({
      index: 'native',
      asset: 'ETH',
      state: 'credited',
      amount: 2n * ETH,
    });
    expect((await live.depositsOf(u3))[0]).toMatchObject({ asset: 'USDC', state: 'confirming', confirmations: 1 });
    await anvil.mine(CONFIRMATIONS);
    await live.follower.syncToTip();
    await (await live.startFollower()).syncToTip();
    expect(await live.balance('alice', 'ETH')).toBe(2n * ETH);
    expect(await live.balance('alice', 'USDC')).toBe(155n * USD);
    expect(await live.balance('bob', 'USDC')).toBe(70n * USD);
    for (const txid of [e1, u1, u2, u3]) {
      const [d] = await live.depositsOf(txid);
      expect(d).toMatchObject({ state: 'credited', credits: 1 });
      await expect(
        live.ledger.getTransfer(depositTransferId('deposit', 'ethereum', d.txid, d.index, 1)),
      ).resolves.toMatchObject({ amount: d.amount });
    }
  });

  it('a real reorg drops an unconfirmed deposit and reverses a credited one with an incident', async () => {
    const carol = await live.addressOf('carol', 'ETH');
    const dave = await live.addressOf('dave', 'USDC');
    const deep = await anvil.sendEth(carol, 1n * ETH);
    await anvil.mine(CONFIRMATIONS - 1);
    const shallow = await anvil.transferToken(usdc, dave, 9n * USD);
    await live.follower.syncToTip();
    expect((await live.depositsOf(deep))[0].state).toBe('credited');
    expect((await live.depositsOf(shallow))[0].state).toBe('confirming');
    await anvil.reorg(CONFIRMATIONS + 1); // replaces the blocks holding both, without their transactions
    await anvil.mine(1);
    const steps = await live.follower.syncToTip();
    expect(steps.some((s) => s.kind === 'reorg')).toBe(true);
    expect((await live.depositsOf(shallow))[0].state).toBe('dropped');
    expect((await live.depositsOf(deep))[0]).toMatchObject({ state: 'reversed', reversals: 1 });
    expect(await live.balance('carol', 'ETH')).toBe(0n);
    const incidents = await live.queries.incidents({ clientId: live.client });
    expect(incidents.map((i) => [i.userId, i.asset, i.amount, i.shortfall])).toEqual([['carol', 'ETH', 1n * ETH, 0n]]);
    expect((await live.ledger.checkInvariants()).ok).toBe(true);
  });

  it.each(['transfers-recorded', 'ledger-credited', 'before-commit', 'after-commit'])(
    'a follower killed at %s and restarted credits exactly once',
    async (point) => {
      const user = `erin-${point}`;
      const erin = await live.addressOf(user, 'USDC');
      const t = await anvil.transferToken(usdc, erin, 12n * USD);
      await anvil.mine(CONFIRMATIONS);
      live.killAt = point;
      await expect(live.follower.syncToTip()).rejects.toThrow(Killed);
      live.follower = await live.startFollower();
      await live.follower.syncToTip();
      expect(await live.balance(user, 'USDC')).toBe(12n * USD);
      expect((await live.depositsOf(t))[0]).toMatchObject({ state: 'credited', credits: 1 });
      expect((await live.ledger.checkInvariants()).ok).toBe(true);
    },
  );
});
