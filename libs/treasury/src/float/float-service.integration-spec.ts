import type { Database } from '@strongroom/persistence';
import { openDatabase } from '@strongroom/persistence';
import { describeEachBackend } from '@strongroom/testing';
import { approveRebalance } from '../rebalances/rebalance-approvals';
import { rebalanceById } from '../rebalances/rebalance-store';
import { treasuryFixture } from '../testing/treasury-fixture';
import { runoutAlertGauge, runoutGauge } from '../treasury.metrics';
import { treasuryContext } from '../treasury.context';
import { FloatScheduler } from './float-scheduler';

const BTC = 100_000_000n;
const fixed = (target: bigint, lower: bigint, upper: bigint) => ({ kind: 'fixed' as const, target, lower, upper });

async function gauge(g: typeof runoutGauge, labels: Record<string, string>): Promise<number | undefined> {
  const { values } = await g.get();
  return values.find((v) => Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x))
    ?.value;
}

describeEachBackend('treasury float recomputation', { contexts: [treasuryContext] }, (ctx) => {
  let t: ReturnType<typeof treasuryFixture>;
  const run = Math.random().toString(36).slice(2, 8);
  const policy = { asset: 'BTC', leadTimeSeconds: 3_600, approvalsRequired: 2 };

  beforeAll(() => {
    t = treasuryFixture(ctx().db);
  });

  it('above the upper bound: plans one hot → cold move of the excess down to target, audited', async () => {
    const owner = `above-${run}`;
    const hot = await t.wallet(`hot-${owner}`, 'hot', owner);
    const cold = await t.wallet(`cold-${owner}`, 'cold', owner);
    await t.deposit(hot.id, owner, 7n * BTC);
    await t.setPolicy({ ...policy, owner, rule: fixed(2n * BTC, 1n * BTC, 4n * BTC) });

    const first = (await t.floats.recompute()).find((r) => r.reading.owner === owner)!;
    expect(first.reading).toMatchObject({ outcome: 'above_upper', balance: 7n * BTC, hotWalletId: hot.id });
    expect(first.rebalance).toMatchObject({
      direction: 'hot_to_cold',
      status: 'planned',
      amount: 5n * BTC,
      fromWalletId: hot.id,
      toWalletId: cold.id,
    });
    // More arrives: the same open move follows the new excess, no second move.
    await t.deposit(hot.id, owner, 1n * BTC);
    const second = (await t.floats.recompute()).find((r) => r.reading.owner === owner)!;
    expect(second.rebalance).toMatchObject({ id: first.rebalance!.id, amount: 6n * BTC });
    const open = await ctx().db.query(`SELECT id FROM treasury.rebalances WHERE owner = $1`, [owner]);
    expect(open).toHaveLength(1);

    await t.audit.flush();
    const audited = await t.audit.list({ subjectType: 'float', subjectId: `BTC:${owner}` });
    expect(audited.map((e) => e.action)).toEqual(['treasury.float_decision', 'treasury.float_decision']);
    expect(audited[0].payload).toMatchObject({
      outcome: 'above_upper',
      inputs: { hotBalance: `${7n * BTC}` },
      rule: { kind: 'fixed', target: `${2n * BTC}` },
      rebalance: { direction: 'hot_to_cold', amount: `${5n * BTC}` },
    });
  });

  it('below the lower bound: a replenishment that waits for two distinct people', async () => {
    const owner = `below-${run}`;
    const hot = await t.wallet(`hot-${owner}`, 'hot', owner);
    const cold = await t.wallet(`cold-${owner}`, 'cold', owner);
    await t.deposit(hot.id, owner, BTC / 2n);
    await t.setPolicy({ ...policy, owner, rule: fixed(3n * BTC, 1n * BTC, 5n * BTC) });
    const r = (await t.floats.recompute()).find((x) => x.reading.owner === owner)!;
    expect(r.reading.outcome).toBe('below_lower');
    const rb = r.rebalance!;
    expect(rb).toMatchObject({ direction: 'cold_to_hot', status: 'pending_approval', amount: 25n * (BTC / 10n) });
    expect(rb).toMatchObject({ fromWalletId: cold.id, toWalletId: hot.id, approvalsRequired: 2 });
    expect(rb.reason).toMatch(/below lower bound/);

    const db = ctx().db;
    const alice = t.person('alice');
    await expect(approveRebalance(db, t.audit, rb.id, alice)).resolves.toMatchObject({ status: 'pending_approval' });
    // Alice again under another key: still one person.
    await expect(approveRebalance(db, t.audit, rb.id, t.person('alice'))).rejects.toMatchObject({
      code: 'rebalance.same_person',
      status: 403,
    });
    // A key scoped to another client may not approve this client's move.
    await expect(approveRebalance(db, t.audit, rb.id, t.person('mallory', ['other']))).rejects.toMatchObject({
      code: 'auth.forbidden_client',
    });
    // The next reading cites the pending request; it does not raise another.
    const again = (await t.floats.recompute()).find((x) => x.reading.owner === owner)!;
    expect(again.rebalance?.id).toBe(rb.id);
    const done = await approveRebalance(db, t.audit, rb.id, t.person('bob'));
    expect(done).toMatchObject({ status: 'approved' });
    expect(done.approvals.map((a) => a.owner)).toEqual(['alice', 'bob']);
    await expect(approveRebalance(db, t.audit, rb.id, t.person('carol'))).rejects.toMatchObject({
      code: 'rebalance.not_pending',
    });
    expect((await rebalanceById(db, rb.id))?.status).toBe('approved');
  });

  it('an outflow policy: target = p95 of rolling 24 h settled withdrawals × cover days + buffer', async () => {
    const owner = `outflow-${run}`;
    const hot = await t.wallet(`hot-${owner}`, 'hot', owner);
    await t.wallet(`cold-${owner}`, 'cold', owner);
    await t.deposit(hot.id, owner, 10n * BTC);
    // 0.1 BTC settled every hour for the last 4 days: every 24 h window holds 2.4 BTC.
    for (let h = 0; h < 96; h++) await t.settled(hot.id, owner, BTC / 10n, h + 0.5);
    const rule = {
      kind: 'outflow' as const,
      ...{ lookbackDays: 3, coverDays: 2, buffer: BTC, lowerBps: 5_000, upperBps: 20_000 },
    };
    await t.setPolicy({ ...policy, owner, rule });
    const r = (await t.floats.recompute()).find((x) => x.reading.owner === owner)!;
    const target = 24n * (BTC / 10n) * 2n + BTC; // 5.8 BTC
    expect(r.reading).toMatchObject({ target, lower: target / 2n, upper: target * 2n, outcome: 'ok' });
    expect(r.reading.inputs).toMatchObject({ p95Rolling24h: `${24n * (BTC / 10n)}`, outflowCount: 96 });
  });

  it('the run-out alert: fires when the hot float would be spent before the lead time', async () => {
    const owner = `runout-${run}`;
    const hot = await t.wallet(`hot-${owner}`, 'hot', owner);
    await t.deposit(hot.id, owner, 2n * BTC);
    await t.setPolicy({ ...policy, owner, leadTimeSeconds: 86_400, rule: fixed(BTC, 0n, 100n * BTC) });
    const labels = { asset: 'BTC', owner };
    await t.floats.recompute();
    expect(await gauge(runoutAlertGauge, labels)).toBe(0);
    expect(await gauge(runoutGauge, labels)).toBe(Infinity);
    // 4 BTC went out in the last 24 h: 2 BTC left lasts 12 h, less than the one-day lead time.
    await t.settled(hot.id, owner, 4n * BTC, 2);
    const r = (await t.floats.recompute()).find((x) => x.reading.owner === owner)!;
    expect(r.reading).toMatchObject({ runoutSeconds: 43_200, runoutAlert: true });
    expect(await gauge(runoutAlertGauge, labels)).toBe(1);
    expect(await gauge(runoutGauge, labels)).toBe(43_200);
  });

  describe('two schedulers', () => {
    let second: Database;
    let ownSecond = false;
    beforeAll(async () => {
      const c = ctx();
      if (c.backend === 'postgres' && c.url) {
        second = await openDatabase({ databaseUrl: c.url, migrate: false });
        ownSecond = true;
      } else second = c.db;
    });
    afterAll(async () => {
      if (ownSecond) await second.close();
    });

    it('write one reading per float per tick, whichever replica wins the slot', async () => {
      const owner = `sched-${run}`;
      await t.wallet(`hot-${owner}`, 'hot', owner);
      await t.setPolicy({ ...policy, owner, rule: fixed(BTC, 0n, 2n * BTC) });
      let clock = 1_900_000_000_000;
      const every = 60_000;
      const a = new FloatScheduler(
        ctx().db,
        every,
        (slot) => t.floats.recompute(slot),
        () => clock,
      );
      const b = new FloatScheduler(
        second,
        every,
        (slot) => t.floats.recompute(slot),
        () => clock,
      );
      for (let tick = 0; tick < 3; tick++) {
        const ran = [...(await Promise.all([a.tick(), b.tick()])), await b.tick(), await a.tick()];
        expect(ran.filter((x) => x === 'ran')).toHaveLength(1);
        clock += every;
      }
      const rows = await ctx().db.query<{ slot: string }>(
        `SELECT slot::text AS slot FROM treasury.float_readings WHERE owner = $1 ORDER BY slot`,
        [owner],
      );
      const first = BigInt(Math.floor(1_900_000_000_000 / every));
      expect(rows.map((r) => r.slot)).toEqual([0n, 1n, 2n].map((i) => `${first + i}`));
    });
  });
});
