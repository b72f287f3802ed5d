import { describeEachBackend } from '@strongroom/testing';
import { metricsRegistry } from '@strongroom/shared-http';
import { depositsContext } from '../deposits.context';
import { FollowerFixture } from '../testing/follower-fixture';
import type { ScriptedTx } from '../testing/scripted-chain';
import { depositTransferId } from './deposit-book';
import type { DepositFollower } from './deposit-follower';

/**
 * Seen deposits whose transaction vanishes (a node that loses it from its mempool, never mined):
 * dropped after the bound, with an event and an audit record, never credited; one that comes back
 * is handled once. The scripted chain's `status` answers from its own mempool and blocks.
 */
let n = 0;
const tx = (address: string, amount: bigint): ScriptedTx => ({
  txid: (++n).toString(16).padStart(64, 'e'),
  outputs: [{ address, asset: 'BTC', amount }],
});
const SEC = 1_000;
const BOUND = 60 * SEC;

describeEachBackend('vanished deposits', { contexts: [depositsContext] }, (ctx) => {
  let f: FollowerFixture;
  let now: Date;
  const clock = () => now;
  const advance = (ms: number) => (now = new Date(now.getTime() + ms));
  const follower = (): DepositFollower =>
    f.follower({ clock, vanish: { dropAfterMs: BOUND, checkEveryMs: 10 * SEC, maxChecks: 5 } });
  const state = async (txid: string) => {
    const [d] = await f.queries.deposits({ txid });
    const [row] = await ctx().db.query<{ missing_since: string | null }>(
      'SELECT missing_since FROM deposits.deposits WHERE txid = $1',
      [txid],
    );
    expect(d.droppedAt === null).toBe(d.dropReason === null);
    return { state: d.state, credits: d.credits, missing: row.missing_since !== null, reason: d.dropReason };
  };
  const events = (txid: string) =>
    ctx().db.query<{ type: string; body: string }>(
      `SELECT type, body FROM events.outbox WHERE subject = $1 ORDER BY seq`,
      [`deposit:bitcoin:${txid}:0`],
    );
  /** Sees `t` in the mempool, then the node loses it. */
  const seenThenLost = async (fw: DepositFollower, t: ScriptedTx) => {
    f.chain.mempool.push(t);
    await fw.syncToTip();
    f.chain.mempool = f.chain.mempool.filter((m) => m.txid !== t.txid);
  };
  /** A deposit to `user` seen in the mempool, then gone past the bound: dropped. */
  const droppedDeposit = async (user: string, amount: bigint) => {
    const fw = follower();
    const t = tx(await f.address('vanish', user), amount);
    await seenThenLost(fw, t);
    advance(11 * SEC);
    await fw.syncToTip();
    advance(BOUND + SEC);
    await fw.syncToTip();
    expect((await state(t.txid)).state).toBe('dropped');
    return { fw, t };
  };

  beforeAll(async () => {
    f = new FollowerFixture(ctx().db, 'bitcoin', `vanish-${ctx().backend}`);
    await f.registerOperatorWallet();
    now = new Date('2026-12-01T00:00:00Z');
    f.chain.mine();
    await follower().syncToTip();
  });

  it('drops a seen deposit missing longer than the bound: event, audit record, never credited', async () => {
    const alice = await f.address('vanish', 'alice');
    const fw = follower();
    const t = tx(alice, 5000n);
    await seenThenLost(fw, t);
    expect(await state(t.txid)).toEqual({ state: 'seen', credits: 0, missing: false, reason: null });

    advance(5 * SEC); // too young to be checked
    await fw.syncToTip();
    expect((await state(t.txid)).missing).toBe(false);
    advance(6 * SEC); // checked: gone, the clock of its absence starts
    await fw.syncToTip();
    expect(await state(t.txid)).toEqual({ state: 'seen', credits: 0, missing: true, reason: null });
    advance(BOUND - 11 * SEC); // missing for less than the bound
    await fw.syncToTip();
    expect((await state(t.txid)).state).toBe('seen');
    advance(12 * SEC);
    await fw.syncToTip();
    expect(await state(t.txid)).toEqual({ state: 'dropped', credits: 0, missing: true, reason: 'vanished' });

    const evts = await events(t.txid);
    expect(evts.map((e) => e.type)).toEqual(['deposit.seen', 'deposit.dropped']);
    expect(JSON.parse(evts[1].body)).toMatchObject({
      type: 'deposit.dropped',
      data: { reason: 'vanished', state: 'dropped', amount: '5000' },
    });
    const audit = await ctx().db.query<{ action: string; payload: unknown }>(
      `SELECT action, payload FROM audit.entries WHERE subject_id = $1`,
      [`bitcoin:${t.txid}:0`],
    );
    expect(audit).toEqual([
      {
        action: 'deposit.dropped',
        payload: expect.objectContaining({ reason: 'vanished', amount: '5000', asset: 'BTC' }),
      },
    ]);
    expect(await f.userBalance('vanish', 'alice')).toBe(0n);
  });

  it('keeps one that comes back within the bound, and credits it once mined', async () => {
    const bob = await f.address('vanish', 'bob');
    const fw = follower();
    const t = tx(bob, 700n);
    await seenThenLost(fw, t);
    advance(11 * SEC);
    await fw.syncToTip();
    expect((await state(t.txid)).missing).toBe(true);
    f.chain.mempool.push(t); // rebroadcast by its sender
    advance(BOUND - 20 * SEC);
    await fw.syncToTip();
    expect(await state(t.txid)).toEqual({ state: 'seen', credits: 0, missing: false, reason: null });
    advance(BOUND); // in the mempool all along: never dropped
    await fw.syncToTip();
    expect((await state(t.txid)).state).toBe('seen');
    f.chain.mine([t]);
    f.chain.mineEmpty(2);
    await fw.syncToTip();
    expect(await state(t.txid)).toEqual({ state: 'credited', credits: 1, missing: false, reason: null });
    expect(await f.userBalance('vanish', 'bob')).toBe(700n);
  });

  it('handles a dropped deposit that reappears once: seen again, then mined and credited once, across restarts', async () => {
    const { fw, t } = await droppedDeposit('carol', 1234n);

    f.chain.mempool.push(t); // back in a mempool: seen again
    await fw.syncToTip();
    expect(await state(t.txid)).toEqual({ state: 'seen', credits: 0, missing: false, reason: null });
    f.chain.mine([t]);
    f.chain.mineEmpty(2);
    await fw.syncToTip();
    await follower().syncToTip(); // a restarted follower
    f.chain.mineEmpty(3);
    await follower().syncToTip();
    expect(await state(t.txid)).toEqual({ state: 'credited', credits: 1, missing: false, reason: null });
    expect(await f.userBalance('vanish', 'carol')).toBe(1234n);
    expect((await events(t.txid)).map((e) => e.type)).toEqual([
      'deposit.seen',
      'deposit.dropped',
      'deposit.seen',
      'deposit.confirming',
      'deposit.credited',
    ]);
    const id = depositTransferId('deposit', 'bitcoin', t.txid, '0', 1);
    expect(await f.existingTransfers([id, depositTransferId('deposit', 'bitcoin', t.txid, '0', 2)])).toEqual([id]);
  });

  it('credits once a dropped deposit that is mined without being seen again', async () => {
    const { fw, t } = await droppedDeposit('dave', 99n);
    f.chain.mine([t]); // another node had it all along and a miner took it
    f.chain.mineEmpty(2);
    await fw.syncToTip();
    expect(await state(t.txid)).toEqual({ state: 'credited', credits: 1, missing: false, reason: null });
    expect(await f.userBalance('vanish', 'dave')).toBe(99n);
  });

  it('checks a bounded number per step, and never drops on a guess (node errors, a tip that moves)', async () => {
    const erin = await f.address('vanish', 'erin');
    const fw = follower();
    const lost = Array.from({ length: 12 }, (_, i) => tx(erin, BigInt(10 + i)));
    for (const t of lost) f.chain.mempool.push(t);
    await fw.syncToTip();
    f.chain.mempool = [];
    advance(11 * SEC);
    await fw.step();
    const missing = async () =>
      Number(
        (
          await ctx().db.query<{ n: string }>(
            `SELECT count(*) AS n FROM deposits.deposits WHERE user_id = 'erin' AND missing_since IS NOT NULL`,
          )
        )[0].n,
      );
    expect(await missing()).toBe(5); // maxChecks
    await fw.step();
    await fw.step();
    expect(await missing()).toBe(12);

    // The node stops answering: nothing is judged gone, so nothing is dropped however long it lasts.
    f.chain.nodeDown = true;
    advance(BOUND * 3);
    for (let i = 0; i < 4; i++) await fw.step();
    f.chain.nodeDown = false;
    expect(await f.queries.deposits({ userId: 'erin', state: 'dropped' })).toHaveLength(0);

    // A block arrives while the round looks transactions up: its verdicts are not trusted.
    advance(11 * SEC);
    const adapter = f.adapter;
    const lookUp = adapter.status.bind(adapter);
    let mined = false;
    adapter.status = async (txid) => {
      if (!mined) f.chain.mine();
      mined = true;
      return lookUp(txid);
    };
    expect(await fw.step()).toMatchObject({ kind: 'idle' });
    adapter.status = lookUp;
    expect(mined).toBe(true);
    expect(await f.queries.deposits({ userId: 'erin', state: 'dropped' })).toHaveLength(0);

    await fw.syncToTip(); // applies the block, then drops the due ones
    advance(11 * SEC);
    for (let i = 0; i < 3; i++) await fw.step();
    expect(await f.queries.deposits({ userId: 'erin', state: 'dropped' })).toHaveLength(12);
    expect(await f.queries.deposits({ userId: 'erin', state: 'credited' })).toHaveLength(0);
  });

  it('reports deposits by state and the age of the oldest', async () => {
    const frank = await f.address('vanish', 'frank');
    const fw = follower();
    f.chain.mempool.push(tx(frank, 1n));
    await fw.syncToTip();
    advance(42 * SEC);
    f.chain.mine(f.chain.mempool.splice(0));
    await fw.syncToTip();
    f.chain.mempool.push(tx(frank, 2n));
    advance(20 * SEC); // past the gauge's refresh interval
    await fw.syncToTip();
    const rows = await ctx().db.query<{ state: string; n: string; oldest: string }>(
      `SELECT state, count(*) AS n, min(first_seen_at) AS oldest FROM deposits.deposits WHERE chain = 'bitcoin' AND state IN ('seen', 'confirming') GROUP BY state`,
    );
    const metrics = await metricsRegistry.getMetricsAsJSON();
    const value = (name: string, st: string) =>
      metrics.find((m) => m.name === name)?.values.find((v) => v.labels.chain === 'bitcoin' && v.labels.state === st)
        ?.value;
    for (const st of ['seen', 'confirming']) {
      const r = rows.find((x) => x.state === st);
      expect(value('strongroom_deposits_open', st)).toBe(r ? Number(r.n) : 0);
      expect(value('strongroom_deposits_open_oldest_age_seconds', st)).toBe(
        r ? (now.getTime() - new Date(r.oldest).getTime()) / 1000 : 0,
      );
    }
    expect(value('strongroom_deposits_open', 'confirming')).toBeGreaterThanOrEqual(1);
    expect(value('strongroom_deposits_open_oldest_age_seconds', 'confirming')).toBeGreaterThanOrEqual(62);
  });
});
