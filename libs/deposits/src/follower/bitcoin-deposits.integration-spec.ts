import { BitcoinAdapter } from '@strongroom/chains-bitcoin';
import { AssetRegistry } from '@strongroom/shared-assets';
import { describeEachBackend } from '@strongroom/testing';
import { startBitcoinRegtest, type BitcoinRegtest } from '@strongroom/local-services/bitcoin-regtest';
import { depositsContext } from '../deposits.context';
import { depositTransferId } from './deposit-book';
import { Killed, LiveFollower } from '../testing/live-follower';

/**
 * End to end on a real (bcoin) regtest node through the real Bitcoin adapter, ledger and tables:
 * confirmations, per-output crediting, real reorgs, and a follower killed mid-block.
 */
const BTC = 100_000_000n;
const CONFIRMATIONS = 3;

let node: BitcoinRegtest;
beforeAll(async () => {
  node = await startBitcoinRegtest();
});
afterAll(async () => {
  await node?.stop();
});

describeEachBackend('Bitcoin deposits on a regtest node', { contexts: [depositsContext] }, (ctx) => {
  const assets = new AssetRegistry().withAssets([{ code: 'BTC', confirmations: CONFIRMATIONS }]);
  let live: LiveFollower;

  beforeAll(async () => {
    live = await LiveFollower.open(ctx().db, {
      assets,
      adapter: () =>
        new BitcoinAdapter({
          network: 'regtest',
          rpcUrl: node.rpcUrl,
          rpcUser: node.rpcUser,
          rpcPassword: node.rpcPassword,
          feeRate: { min: 1, max: 50, default: 3 },
        }),
      startHeight: () => node.height() + 1,
      wallet: { id: 'btc-hot', chain: 'bitcoin' },
    });
  });
  const balance = (user: string) => live.balance(user, 'BTC');
  const addressOf = (user: string) => live.addressOf(user, 'BTC');

  it('credits per output exactly once after 3 confirmations: two users in one tx, one user twice in another', async () => {
    const [alice, bob] = [await addressOf('alice'), await addressOf('bob')];
    const two = await node.send([
      { address: alice, sats: 1n * BTC },
      { address: bob, sats: 2n * BTC },
    ]);
    const twice = await node.send([
      { address: alice, sats: 30_000n },
      { address: alice, sats: 40_000n },
    ]);
    await live.follower.syncToTip();
    expect((await live.depositsOf(two.txid)).map((d) => d.state)).toEqual(['seen', 'seen']);

    await node.mine(1);
    await live.follower.syncToTip();
    expect((await live.depositsOf(twice.txid)).map((d) => [d.state, d.confirmations])).toEqual([
      ['confirming', 1],
      ['confirming', 1],
    ]);
    await node.mine(CONFIRMATIONS - 2);
    await live.follower.syncToTip();
    expect(await balance('alice')).toBe(0n);
    await node.mine(1);
    await live.follower.syncToTip();
    expect(await balance('alice')).toBe(1n * BTC + 70_000n);
    expect(await balance('bob')).toBe(2n * BTC);
    await node.mine(2);
    await (await live.startFollower()).syncToTip(); // a restarted follower credits nothing twice
    expect(await balance('alice')).toBe(1n * BTC + 70_000n);
    const all = [...(await live.depositsOf(two.txid)), ...(await live.depositsOf(twice.txid))];
    expect(all.map((d) => [d.userId, d.index, d.amount, d.state, d.credits])).toEqual([
      ['alice', String(two.vouts[0]), 1n * BTC, 'credited', 1],
      ['bob', String(two.vouts[1]), 2n * BTC, 'credited', 1],
      ['alice', String(twice.vouts[0]), 30_000n, 'credited', 1],
      ['alice', String(twice.vouts[1]), 40_000n, 'credited', 1],
    ]);
    for (const d of all)
      await expect(
        live.ledger.getTransfer(depositTransferId('deposit', 'bitcoin', d.txid, d.index, 1)),
      ).resolves.toMatchObject({ amount: d.amount });
  });

  it('a real reorg drops an unconfirmed deposit and reverses a credited one: correcting transfer + incident', async () => {
    const carol = await addressOf('carol');
    const dave = await addressOf('dave');
    const credited = await node.fund(carol, 50_000n);
    await node.mine(CONFIRMATIONS);
    await live.follower.syncToTip();
    expect(await balance('carol')).toBe(50_000n);
    const shallow = await node.fund(dave, 60_000n);
    await node.mine(1);
    await live.follower.syncToTip();
    expect((await live.depositsOf(shallow.txid))[0].state).toBe('confirming');

    const reorg = await node.reorg(CONFIRMATIONS + 1, { extra: 1 }); // both transactions evicted
    expect(reorg.evicted).toEqual(expect.arrayContaining([credited.txid, shallow.txid]));
    const steps = await live.follower.syncToTip();
    expect(steps.some((s) => s.kind === 'reorg')).toBe(true);
    expect((await live.depositsOf(shallow.txid))[0].state).toBe('dropped');
    expect((await live.depositsOf(credited.txid))[0]).toMatchObject({ state: 'reversed', reversals: 1 });
    expect(await balance('carol')).toBe(0n);
    const incidents = await live.queries.incidents({ clientId: live.client });
    expect(incidents.map((i) => [i.userId, i.amount, i.recovered, i.shortfall])).toEqual([
      ['carol', 50_000n, 50_000n, 0n],
    ]);
    await expect(
      live.ledger.getTransfer(depositTransferId('reversal', 'bitcoin', credited.txid, String(credited.vout), 1)),
    ).resolves.toMatchObject({ amount: 50_000n });
    expect((await live.ledger.checkInvariants()).ok).toBe(true);
  });

  it.each(['block-fetched', 'transfers-recorded', 'ledger-credited', 'before-commit', 'after-commit'])(
    'a follower killed at %s and restarted credits exactly once, misses nothing',
    async (point) => {
      const user = `erin-${point}`;
      const erin = await addressOf(user);
      const t = await node.send([
        { address: erin, sats: 11_000n },
        { address: erin, sats: 12_000n },
      ]);
      await node.mine(CONFIRMATIONS);
      live.killAt = point; // the process dies at this point while applying the blocks (the first one holds the deposit)
      await expect(live.follower.syncToTip()).rejects.toThrow(Killed);
      live.follower = await live.startFollower();
      await live.follower.syncToTip();
      expect(await balance(user)).toBe(23_000n);
      expect((await live.depositsOf(t.txid)).map((d) => [d.state, d.credits])).toEqual([
        ['credited', 1],
        ['credited', 1],
      ]);
      expect((await live.ledger.checkInvariants()).ok).toBe(true);
    },
  );
  it('a seen deposit whose transaction the node lost is dropped after the bound; resent, it is seen again and credited once', async () => {
    const frank = await addressOf('frank');
    const vanishing = await live.startFollower({ vanish: { dropAfterMs: 300, checkEveryMs: 0 } });
    await vanishing.syncToTip();
    const t = await node.fund(frank, 77_000n);
    await vanishing.syncToTip();
    expect((await live.depositsOf(t.txid)).map((d) => d.state)).toEqual(['seen']);
    const raw = await node.rawTransaction(t.txid);
    // The node loses it: mined in a block the follower never read, which a reorg then evicts.
    await node.mine(1);
    const reorg = await node.reorg(1, { extra: 1 });
    expect(reorg.evicted).toContain(t.txid);
    expect(await node.rpc<string[]>('getrawmempool')).not.toContain(t.txid);

    let state = '';
    for (let i = 0; i < 50 && state !== 'dropped'; i++) {
      await vanishing.syncToTip();
      state = (await live.depositsOf(t.txid))[0].state;
      if (state !== 'dropped') await new Promise((r) => setTimeout(r, 50));
    }
    expect(state).toBe('dropped');
    expect(await balance('frank')).toBe(0n);

    await node.rpc('sendrawtransaction', [raw]); // its sender broadcasts it again
    await vanishing.syncToTip();
    expect((await live.depositsOf(t.txid)).map((d) => d.state)).toEqual(['seen']);
    await node.mine(CONFIRMATIONS);
    await vanishing.syncToTip();
    await (await live.startFollower()).syncToTip(); // a restarted follower credits nothing twice
    expect((await live.depositsOf(t.txid)).map((d) => [d.state, d.credits])).toEqual([['credited', 1]]);
    expect(await balance('frank')).toBe(77_000n);
    expect((await live.ledger.checkInvariants()).ok).toBe(true);
  });
});
