import { AuditLog } from '@strongroom/audit';
import { LedgerCutReader, LedgerService, type Account } from '@strongroom/ledger';
import { AssetRegistry } from '@strongroom/shared-assets';
import { describeEachBackend } from '@strongroom/testing';
import { complianceContext } from '../index';
import { StaticPriceSource } from '../prices/price-source';
import { SnapshotService } from './snapshot.service';

const assets = new AssetRegistry();
const tips = { tips: async () => [{ chain: 'bitcoin' as const, height: 500, hash: 'ab'.repeat(32) }] };
const prices = new StaticPriceSource({ quote: 'USD', prices: { BTC: '64250.17', ETH: '3000' } });

describeEachBackend('user balance snapshots', { contexts: [complianceContext] }, (ctx) => {
  let ledger: LedgerService;
  let cut: LedgerCutReader;
  let snapshots: SnapshotService;
  const users: Account[] = [];
  let custody: Account;
  let n = 0;

  beforeAll(async () => {
    const { db } = ctx();
    ledger = new LedgerService(db, { sweepIntervalMs: 0 });
    cut = new LedgerCutReader(db);
    snapshots = new SnapshotService(db, cut, tips, prices, assets, new AuditLog(db));
    custody = await ledger.openAccount({ clientId: 'operator', ownerId: 'btc-main', asset: 'BTC', kind: 'custody' });
    for (let i = 0; i < 40; i++) {
      users.push(
        await ledger.openAccount({
          clientId: i % 2 ? 'acme' : 'zenith',
          ownerId: `user-${i}`,
          asset: 'BTC',
          kind: 'user',
        }),
      );
    }
    await ledger.createTransfers(
      users.map((u, i) => ({
        id: `seed-${i}`,
        debitAccountId: custody.id,
        creditAccountId: u.id,
        amount: BigInt(1000 + i),
      })),
    );
  });

  it('equals the as-of balances at its sequence while transfers keep flowing', async () => {
    let flowing = true;
    const traffic = (async () => {
      while (flowing) {
        const u = users[n % users.length];
        const v = users[(n * 7 + 3) % users.length];
        const id = `flow-${++n}`;
        // deposits, holds and user-to-user moves interleave with the snapshot's pages
        await ledger.createTransfers([
          { id: `${id}-dep`, debitAccountId: custody.id, creditAccountId: u.id, amount: 5n },
          { id: `${id}-hold`, debitAccountId: u.id, creditAccountId: custody.id, amount: 2n, flags: ['pending'] },
          { id: `${id}-move`, debitAccountId: u.id, creditAccountId: v.id, amount: 1n },
        ]);
      }
    })();
    const progress: number[] = [];
    const snap = await snapshots.take('auditor:test', { pageSize: 7, onProgress: (r) => progress.push(r) });
    flowing = false;
    await traffic;

    expect(snap.status).toBe('complete');
    expect(progress.length).toBeGreaterThan(3);
    const stored = await snapshots.balances(snap.id, null, 1000);
    expect(stored).toHaveLength(40);
    for (const u of users) {
      const asOf = await ledger.balances(u.id, { sequence: BigInt(snap.sequence) });
      const row = stored.find((r) => r.clientId === u.clientId && r.userId === u.ownerId);
      expect(row?.balance).toBe(asOf.creditsPosted - asOf.debitsPosted);
    }
    const total = stored.reduce((s, r) => s + r.balance, 0n);
    expect(snap.totals).toEqual([{ asset: 'BTC', balance: total.toString(), value: expect.any(String), users: 40 }]);
    expect(snap.userCount).toBe(40);
    // Transfers kept landing after the cut, so the live balances moved on.
    expect(await cut.currentSequence()).toBeGreaterThan(BigInt(snap.sequence));
  });

  it('stores a content hash anyone can recompute, and refuses any change', async () => {
    const { db } = ctx();
    const [snap] = await snapshots.list(1);
    expect(await snapshots.contentHash(snap)).toBe(snap.contentHash);
    await expect(
      db.query(`UPDATE compliance.snapshot_balances SET balance = balance + 1 WHERE snapshot_id = $1`, [snap.id]),
    ).rejects.toThrow(/immutable/);
    await expect(db.query(`UPDATE compliance.snapshots SET totals = '[]' WHERE id = $1`, [snap.id])).rejects.toThrow(
      /immutable/,
    );
    await expect(db.query(`DELETE FROM compliance.snapshots WHERE id = $1`, [snap.id])).rejects.toThrow(/immutable/);
    expect((await snapshots.get(snap.id)).contentHash).toBe(snap.contentHash);
  });

  it('records taking and completing each snapshot in the audit log, with who asked', async () => {
    const { db } = ctx();
    const audit = new AuditLog(db);
    await audit.flush();
    const [snap] = await snapshots.list(1);
    const entries = (await audit.list({ subjectType: 'snapshot', subjectId: snap.id })).map((e) => [
      e.action,
      e.actor.role,
      e.actor.id,
    ]);
    expect(entries).toEqual([
      ['snapshot.started', 'auditor', 'test'],
      ['snapshot.completed', 'auditor', 'test'],
    ]);
    expect((await audit.verify()).ok).toBe(true);
  });

  it("values a user's holdings exactly, now and as of a time before a deposit", async () => {
    const alice = users[1];
    const before = new Date();
    await new Promise((r) => setTimeout(r, 5));
    await ledger.transfer({
      id: 'late-deposit',
      debitAccountId: custody.id,
      creditAccountId: alice.id,
      amount: 100000000n,
    });
    const now = await snapshots.userHoldings(alice.clientId, alice.ownerId, undefined);
    const then = await snapshots.userHoldings(alice.clientId, alice.ownerId, before);
    expect(now.holdings[0].balance - then.holdings[0].balance).toBe(100000000n);
    expect(now.holdings[0].value).toMatch(/^[0-9]+(\.[0-9]+)?$/);
    expect(now.totalValue).toBe(now.holdings[0].value);
  });
});
