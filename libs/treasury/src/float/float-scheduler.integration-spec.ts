import { describeEachBackend } from '@strongroom/testing';
import { treasuryFixture } from '../testing/treasury-fixture';
import { hotBalanceGauge } from '../treasury.metrics';
import { treasuryContext } from '../treasury.context';
import { FloatScheduler, recordLatestFloats } from './float-scheduler';

const BTC = 100_000_000n;

async function hotBalance(owner: string): Promise<number | undefined> {
  const { values } = await hotBalanceGauge.get();
  return values.find((v) => v.labels.owner === owner && v.labels.asset === 'BTC')?.value;
}

describeEachBackend('float gauges on every replica', { contexts: [treasuryContext] }, (ctx) => {
  it('a replica that loses the slot reports the reading the winner wrote, not its own stale one', async () => {
    const t = treasuryFixture(ctx().db);
    const owner = `gauges-${Math.random().toString(36).slice(2, 8)}`;
    const hot = await t.wallet(`hot-${owner}`, 'hot', owner);
    await t.deposit(hot.id, owner, 3n * BTC);
    await t.setPolicy({
      asset: 'BTC',
      owner,
      leadTimeSeconds: 3_600,
      approvalsRequired: 2,
      rule: { kind: 'fixed', target: 2n * BTC, lower: BTC, upper: 4n * BTC },
    });
    const clock = 1_950_000_000_000;
    const winner = new FloatScheduler(
      ctx().db,
      60_000,
      (slot) => t.floats.recompute(slot),
      () => clock,
    );
    const loser = new FloatScheduler(
      ctx().db,
      60_000,
      () => Promise.reject(new Error('a replica that lost the slot must not recompute')),
      () => clock,
      () => recordLatestFloats(ctx().db),
    );
    expect(await winner.tick()).toBe('ran');
    // In production each replica has its own registry: forget what the winner set in this one.
    hotBalanceGauge.reset();
    expect(await hotBalance(owner)).toBeUndefined();
    expect(await loser.tick()).toBe('skipped');
    expect(await hotBalance(owner)).toBe(Number(3n * BTC));
  });
});
