import { describeEachBackend } from '@strongroom/testing';
import { ledgerContext, LedgerService, type Account, type TransferResult } from './index';

/**
 * Concurrency on both back ends. `createTransfers([t])` runs each call in its own database
 * transaction (on PostgreSQL: many sessions racing for the same rows and locks); `transfer()`
 * goes through group commit. Both must give exactly-once, never-negative outcomes.
 */
describeEachBackend('ledger under concurrency', { contexts: [ledgerContext] }, (ctx) => {
  let ledger: LedgerService;
  let custody: Account;
  let fees: Account;
  let k = 0;
  const owner = () => `user-${++k}`;

  beforeAll(async () => {
    ledger = new LedgerService(ctx().db);
    custody = await ledger.openAccount({ clientId: 'operator', ownerId: 'hot', asset: 'BTC', kind: 'custody' });
    fees = await ledger.openAccount({ clientId: 'operator', ownerId: 'fees', asset: 'BTC', kind: 'fee_revenue' });
  });

  const funded = async (amount: bigint): Promise<Account> => {
    const a = await ledger.openAccount({ clientId: 'acme', ownerId: owner(), asset: 'BTC', kind: 'user' });
    if (amount > 0n)
      await ledger.transfer({ id: `fund-${a.id}`, debitAccountId: custody.id, creditAccountId: a.id, amount });
    return a;
  };

  it('lets exactly 100 of 200 concurrent 1-unit holds through against a balance of 100 (separate transactions)', async () => {
    const user = await funded(100n);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        ledger.createTransfers([
          {
            id: `hold-sep-${user.id}-${i}`,
            debitAccountId: user.id,
            creditAccountId: fees.id,
            amount: 1n,
            flags: ['pending'],
          },
        ]),
      ),
    );
    const flat = results.map((r) => r[0]);
    expect(flat.filter((r) => r.ok).length).toBe(100);
    expect(flat.filter((r) => !r.ok).every((r) => !r.ok && r.code === 'account.debits_exceed_credits')).toBe(true);
    const a = await ledger.getAccount(user.id);
    expect([a.debitsPending, a.debitsPosted, a.creditsPosted]).toEqual([100n, 0n, 100n]);
    expect((await ledger.checkInvariants()).ok).toBe(true);
  });

  it('lets exactly 100 of 200 concurrent 1-unit holds through against a balance of 100 (group commit)', async () => {
    const user = await funded(100n);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        ledger.transfer({
          id: `hold-gc-${user.id}-${i}`,
          debitAccountId: user.id,
          creditAccountId: fees.id,
          amount: 1n,
          flags: ['pending'],
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBe(100);
    const reasons = outcomes
      .filter((o): o is PromiseRejectedResult => o.status === 'rejected')
      .map((o) => (o.reason as { code?: string }).code);
    expect(new Set(reasons)).toEqual(new Set(['account.debits_exceed_credits']));
    const a = await ledger.getAccount(user.id);
    expect(a.debitsPending).toBe(100n);
  });

  it('gives one effect for concurrent retries of the same id', async () => {
    const user = await funded(0n);
    const body = { id: `dep-retry-${user.id}`, debitAccountId: custody.id, creditAccountId: user.id, amount: 42n };
    const separate = await Promise.all(Array.from({ length: 40 }, () => ledger.createTransfers([{ ...body }])));
    const grouped = await Promise.all(Array.from({ length: 40 }, () => ledger.transfer({ ...body })));
    const flat: TransferResult[] = separate.map((r) => r[0]);
    expect(flat.every((r) => r.ok)).toBe(true);
    expect(flat.filter((r) => r.ok && !r.replayed).length).toBe(1);
    expect(
      new Set([...flat.map((r) => (r.ok ? r.transfer.sequence : -1n)), ...grouped.map((t) => t.sequence)]).size,
    ).toBe(1);
    expect((await ledger.getAccount(user.id)).creditsPosted).toBe(42n);
  });

  it('commits linked chains all-or-nothing under contention', async () => {
    const user = await funded(1000n);
    const feesBefore = (await ledger.getAccount(fees.id)).creditsPosted;
    const sink = await funded(0n);
    // Each chain moves 90 + 10 fee; 1000 covers exactly 10 of the 30 chains.
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        ledger.createTransfers([
          {
            id: `chain-${user.id}-${i}-amt`,
            debitAccountId: user.id,
            creditAccountId: sink.id,
            amount: 90n,
            flags: ['linked'],
          },
          { id: `chain-${user.id}-${i}-fee`, debitAccountId: user.id, creditAccountId: fees.id, amount: 10n },
        ]),
      ),
    );
    const whole = results.filter((r) => r[0].ok && r[1].ok).length;
    const partial = results.filter((r) => r[0].ok !== r[1].ok).length;
    expect([whole, partial]).toEqual([10, 0]);
    expect((await ledger.getAccount(user.id)).debitsPosted).toBe(1000n);
    expect((await ledger.getAccount(sink.id)).creditsPosted).toBe(900n);
    expect((await ledger.getAccount(fees.id)).creditsPosted - feesBefore).toBe(100n);
  });

  it('resolves each timed-out pending exactly once while posts race the sweeper', async () => {
    const user = await funded(50n);
    const holds = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        ledger.transfer({
          id: `to-${user.id}-${i}`,
          debitAccountId: user.id,
          creditAccountId: fees.id,
          amount: 2n,
          flags: ['pending'],
          timeoutSeconds: 30,
        }),
      ),
    );
    const sweepAt = new Date(Math.max(...holds.map((h) => h.timeoutAt!.getTime())) + 1000);
    const [, ...posts] = await Promise.all([
      ledger.expirePending(sweepAt),
      ...holds.map((h, i) =>
        ledger.createTransfers([
          {
            id: `to-post-${user.id}-${i}`,
            debitAccountId: '',
            creditAccountId: '',
            flags: ['post_pending'],
            pendingId: h.id,
          },
        ]),
      ),
    ]);
    const posted = posts.filter((r) => r[0].ok).length;
    const states = await Promise.all(holds.map((h) => ledger.getTransfer(h.id)));
    expect(states.filter((s) => s.pendingState === 'posted').length).toBe(posted);
    expect(states.filter((s) => s.pendingState === 'expired').length).toBe(25 - posted);
    const a = await ledger.getAccount(user.id);
    expect([a.debitsPending, a.debitsPosted]).toEqual([0n, BigInt(posted * 2)]);
    expect((await ledger.checkInvariants()).ok).toBe(true);
  });

  it('never deadlocks when hot-account deposits, holds and cross transfers interleave', async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => funded(1000n)));
    const ops = Array.from({ length: 150 }, (_, i) => {
      const a = users[i % 5];
      const b = users[(i * 7 + 3) % 5 === i % 5 ? (i + 1) % 5 : (i * 7 + 3) % 5];
      const kind = i % 3;
      if (kind === 0)
        return ledger.createTransfers([
          { id: `mix-${a.id}-${i}`, debitAccountId: custody.id, creditAccountId: a.id, amount: 5n },
        ]);
      if (kind === 1)
        return ledger.createTransfers([
          { id: `mix-${a.id}-${i}`, debitAccountId: a.id, creditAccountId: b.id, amount: 7n, flags: ['pending'] },
        ]);
      return ledger.createTransfers([
        { id: `mix-${a.id}-${i}-x`, debitAccountId: a.id, creditAccountId: b.id, amount: 3n, flags: ['linked'] },
        { id: `mix-${a.id}-${i}-y`, debitAccountId: b.id, creditAccountId: a.id, amount: 2n },
      ]);
    });
    const results = (await Promise.all(ops)).flat();
    expect(results.every((r) => r.ok)).toBe(true);
    const report = await ledger.checkInvariants();
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('keeps a balance read "as of" a sequence stable while writes flow', async () => {
    const user = await funded(10n);
    let writing = true;
    const writer = (async () => {
      let i = 0;
      while (writing) {
        await ledger.createTransfers([
          { id: `flow-${user.id}-${i}`, debitAccountId: custody.id, creditAccountId: user.id, amount: 1n },
          {
            id: `flow-${user.id}-${i}-h`,
            debitAccountId: user.id,
            creditAccountId: fees.id,
            amount: 1n,
            flags: ['pending'],
          },
        ]);
        i++;
      }
      return i;
    })();
    const snapshots: { sequence: bigint; creditsPosted: bigint; debitsPending: bigint }[] = [];
    for (let r = 0; r < 15; r++) snapshots.push(await ledger.balances(user.id));
    const later = await Promise.all(snapshots.map((s) => ledger.balances(user.id, { sequence: s.sequence })));
    writing = false;
    expect(await writer).toBeGreaterThan(0);
    later.forEach((l, i) => {
      expect([l.creditsPosted, l.debitsPending]).toEqual([snapshots[i].creditsPosted, snapshots[i].debitsPending]);
    });
    const final = await ledger.balances(user.id);
    expect(await ledger.balances(user.id, { sequence: final.sequence })).toEqual(final);
  });
});
