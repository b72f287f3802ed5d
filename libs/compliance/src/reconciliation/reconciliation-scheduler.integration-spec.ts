import type { Database } from '@strongroom/persistence';
import { describeEachBackend, secondReplica } from '@strongroom/testing';
import { complianceContext } from '../index';
import { ReconciliationScheduler } from './reconciliation-scheduler';

const EVERY_MS = 60_000;

describeEachBackend('reconciliation scheduled on two ledger replicas', { contexts: [complianceContext] }, (ctx) => {
  const second = secondReplica(ctx);

  it('runs once per tick whichever replica ticks, and again in the next slot', async () => {
    let clock = 1_800_000_000_000;
    const runs: string[] = [];
    const replica = (name: string, db: Database) =>
      new ReconciliationScheduler(
        db,
        EVERY_MS,
        async () => {
          runs.push(name);
          await new Promise((r) => setTimeout(r, 20));
        },
        () => clock,
      );
    const a = replica('a', ctx().db);
    const b = replica('b', second());

    for (let tick = 0; tick < 5; tick++) {
      // Both replicas tick in the same slot, together and then once more each (timers drift).
      const together = await Promise.all([a.tick(), b.tick()]);
      const late = await Promise.all([b.tick(), a.tick()]);
      expect([...together, ...late].filter((r) => r === 'ran')).toHaveLength(1);
      clock += EVERY_MS;
    }
    expect(runs).toHaveLength(5);
  });

  it('a failed run is reported and the next slot runs again', async () => {
    let clock = 1_900_000_000_000;
    let fail = true;
    const s = new ReconciliationScheduler(
      ctx().db,
      EVERY_MS,
      async () => {
        if (fail) throw new Error('chain unreachable');
      },
      () => clock,
    );
    expect(await s.tick()).toBe('failed');
    fail = false;
    expect(await s.tick()).toBe('skipped'); // the slot was claimed
    clock += EVERY_MS;
    expect(await s.tick()).toBe('ran');
  });

  it('on shutdown starts no new run and waits for the one in progress, whose write commits', async () => {
    const clock = 2_000_000_000_000;
    const slot = Math.floor(clock / EVERY_MS);
    let reached = (): void => undefined;
    let release = (): void => undefined;
    const arrived = new Promise<void>((r) => (reached = r));
    const released = new Promise<void>((r) => (release = r));
    const s = new ReconciliationScheduler(
      ctx().db,
      EVERY_MS,
      async () => {
        reached();
        await released;
        await ctx().db.query(
          `UPDATE compliance.schedule_claims SET claimed_by = 'finished' WHERE job = $1 AND slot = $2`,
          ['reconciliation', slot],
        );
      },
      () => clock,
    );
    const ticked = s.tick();
    await arrived;
    const order: string[] = [];
    const destroyed = s.onModuleDestroy().then(() => order.push('destroyed'));
    await new Promise((r) => setTimeout(r, 300));
    order.push('released');
    release();
    await destroyed;
    expect(order).toEqual(['released', 'destroyed']);
    expect(await ticked).toBe('ran');
    const rows = await ctx().db.query<{ claimed_by: string }>(
      `SELECT claimed_by FROM compliance.schedule_claims WHERE job = 'reconciliation' AND slot = $1`,
      [slot],
    );
    expect(rows).toEqual([{ claimed_by: 'finished' }]);
    expect(await s.tick()).toBe('skipped'); // stopped: no new run
  });
});
