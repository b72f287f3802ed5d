import { describeEachBackend } from '@strongroom/testing';
import { depositsContext } from '../deposits.context';
import { FollowerFixture } from '../testing/follower-fixture';
import type { ScriptedTx } from '../testing/scripted-chain';
import { AdvisoryFollowerLock, followerLockFor, TableLeaseFollowerLock } from './follower-lock';

/**
 * Replicas: two followers of one chain racing on the same database never apply a block twice
 * (the cursor compare-and-set), the leader lock admits one at a time, and concurrent address
 * requests for one user agree on one address.
 */
describeEachBackend('deposit followers and address requests racing', { contexts: [depositsContext] }, (ctx) => {
  let f: FollowerFixture;
  beforeAll(async () => {
    f = new FollowerFixture(ctx().db, 'bitcoin', 'race');
    await f.registerOperatorWallet();
  });

  it('two followers stepping at the same time credit each deposit exactly once', async () => {
    const addrs = await Promise.all(['r1', 'r2', 'r3'].map((u) => f.address('race', u)));
    let n = 0;
    const tx = (i: number): ScriptedTx => ({
      txid: (++n).toString(16).padStart(64, 'c'),
      outputs: [{ address: addrs[i % 3], asset: 'BTC', amount: BigInt(100 + i) }],
    });
    for (let i = 0; i < 12; i++) f.chain.mine([tx(i), tx(i + 1)]);
    f.chain.mineEmpty(3);
    const a = f.follower();
    const b = f.follower();
    for (let round = 0; round < 40; round++) await Promise.all([a.step(), b.step()]);
    await a.syncToTip();
    const deposits = await f.queries.deposits({ clientId: 'race', limit: 500 });
    expect(deposits).toHaveLength(24);
    expect(deposits.every((d) => d.state === 'credited' && d.credits === 1)).toBe(true);
    const total = deposits.reduce((s, d) => s + d.amount, 0n);
    const balances = await Promise.all(['r1', 'r2', 'r3'].map((u) => f.userBalance('race', u)));
    expect(balances.reduce((s, x) => s + x, 0n)).toBe(total);
    expect((await f.ledger.checkInvariants()).ok).toBe(true);
  });

  it('admits one leader per chain at a time', async () => {
    const { db, backend } = ctx();
    const first = followerLockFor(db, 'bitcoin');
    const second = followerLockFor(db, 'bitcoin');
    expect(first).toBeInstanceOf(backend === 'postgres' ? AdvisoryFollowerLock : TableLeaseFollowerLock);
    expect(await first.acquire()).toBe(true);
    expect(await first.acquire()).toBe(true); // renewing
    expect(await second.acquire()).toBe(false);
    const other = followerLockFor(db, 'ethereum');
    expect(await other.acquire()).toBe(true); // another chain is independent
    await other.release();
    await first.release();
    expect(await second.acquire()).toBe(true);
    await second.release();
  });

  it('lets an expired lease be taken over (a PGlite process that died)', async () => {
    let now = new Date('2026-11-22T00:00:00Z');
    const dead = new TableLeaseFollowerLock(ctx().db, 'bitcoin', 10_000, () => now);
    const next = new TableLeaseFollowerLock(ctx().db, 'bitcoin', 10_000, () => now);
    expect(await dead.acquire()).toBe(true);
    expect(await next.acquire()).toBe(false);
    now = new Date(now.getTime() + 10_001);
    expect(await next.acquire()).toBe(true);
    expect(await dead.acquire()).toBe(false);
    await next.release();
  });

  it('takes a lease left by another (dead) process at once when it holds the database exclusively, and only then', async () => {
    const { db, backend } = ctx();
    if (backend === 'postgres') return; // leases are PGlite's; PostgreSQL releases a dead session's advisory lock itself
    const future = new Date(Date.now() + 3_600_000);
    await db.query(
      `INSERT INTO deposits.leases (chain, holder, expires_at, process) VALUES ('bitcoin', 'lease_of_a_dead_process', $1, '999999:gone')`,
      [future],
    );
    const patient = new TableLeaseFollowerLock(db, 'bitcoin', 30_000, undefined, false);
    expect(await patient.acquire()).toBe(false); // would wait an hour
    expect(db.exclusive).toBe(true); // in-memory PGlite: no other process can have it
    const heir = followerLockFor(db, 'bitcoin');
    expect(await heir.acquire()).toBe(true);
    // A second holder in this same process is still kept out: the takeover judges processes, not leases.
    expect(await followerLockFor(db, 'bitcoin').acquire()).toBe(false);
    await heir.release();
  });

  it('answers concurrent first requests for one user with one address', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => f.addresses.issue({ clientId: 'race', userId: 'same', asset: 'BTC' })),
    );
    expect(new Set(results.map((r) => r.address.address)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const fresh = await Promise.all(
      Array.from({ length: 4 }, () =>
        f.addresses.issue({ clientId: 'race', userId: 'same', asset: 'BTC', fresh: true }),
      ),
    );
    expect(fresh.map((r) => r.address.index).sort()).toEqual([1, 2, 3, 4]);
  });
});
