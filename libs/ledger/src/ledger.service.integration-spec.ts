import { describeEachBackend } from '@strongroom/testing';
import { DomainError } from '@strongroom/shared-types';
import { ledgerContext, LedgerService, type Account, type TransferInput } from './index';

const MAX = (1n << 256n) - 1n;

describeEachBackend('LedgerService', { contexts: [ledgerContext] }, (ctx) => {
  let ledger: LedgerService;
  let custody: Account;
  let alice: Account;
  let bob: Account;
  let eth: Account;
  let n = 0;
  const id = (p: string) => `${p}-${++n}`;

  beforeAll(async () => {
    ledger = new LedgerService(ctx().db);
    custody = await ledger.openAccount({ clientId: 'operator', ownerId: 'hot-wallet', asset: 'BTC', kind: 'custody' });
    alice = await ledger.openAccount({ clientId: 'acme', ownerId: 'alice', asset: 'BTC', kind: 'user' });
    bob = await ledger.openAccount({ clientId: 'acme', ownerId: 'bob', asset: 'BTC', kind: 'user' });
    eth = await ledger.openAccount({ clientId: 'acme', ownerId: 'alice', asset: 'ETH', kind: 'user' });
  });

  const deposit = (to: Account, amount: bigint, tid = id('dep')) =>
    ledger.transfer({ id: tid, debitAccountId: custody.id, creditAccountId: to.id, amount, code: 'deposit' });

  const refusal = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
    } catch (e) {
      if (e instanceof DomainError) return e.code;
      throw e;
    }
    return 'none';
  };

  it('opens accounts idempotently with flags from the kind, and refuses other flags for the same key', async () => {
    expect(alice.flags).toEqual({ debitsMustNotExceedCredits: true, creditsMustNotExceedDebits: false, closed: false });
    expect(custody.flags.creditsMustNotExceedDebits).toBe(true);
    const again = await ledger.openAccount({ clientId: 'acme', ownerId: 'alice', asset: 'BTC', kind: 'user' });
    expect(again.id).toBe(alice.id);
    expect(
      await refusal(
        ledger.openAccount({
          clientId: 'acme',
          ownerId: 'alice',
          asset: 'BTC',
          kind: 'user',
          flags: { debitsMustNotExceedCredits: false },
        }),
      ),
    ).toBe('account.exists');
    expect(await refusal(ledger.openAccount({ clientId: 'acme', ownerId: 'x', asset: 'btc', kind: 'user' }))).toBe(
      'account.invalid',
    );
    expect((await ledger.findAccount({ clientId: 'acme', ownerId: 'bob', asset: 'BTC', kind: 'user' }))?.id).toBe(
      bob.id,
    );
    expect((await ledger.listAccounts({ clientId: 'acme', ownerId: 'alice' })).map((a) => a.asset)).toEqual([
      'BTC',
      'ETH',
    ]);
  });

  it('posts a transfer, moving both rows, with a sequence and a replay for the same body', async () => {
    const t = await deposit(alice, 1000n, 'dep-first');
    expect(t.sequence).toBeGreaterThan(0n);
    expect((await ledger.getAccount(alice.id)).creditsPosted).toBe(1000n);
    expect((await ledger.getAccount(custody.id)).debitsPosted).toBe(1000n);
    const [replay] = await ledger.createTransfers([
      { id: 'dep-first', debitAccountId: custody.id, creditAccountId: alice.id, amount: 1000n, code: 'deposit' },
    ]);
    expect(replay).toMatchObject({ ok: true, replayed: true });
    expect(replay.ok && replay.transfer.sequence).toBe(t.sequence);
    const [conflict] = await ledger.createTransfers([
      { id: 'dep-first', debitAccountId: custody.id, creditAccountId: alice.id, amount: 1001n, code: 'deposit' },
    ]);
    expect(conflict).toMatchObject({ ok: false, code: 'transfer.id_conflict' });
    expect((await ledger.getAccount(alice.id)).creditsPosted).toBe(1000n);
    expect((await ledger.getTransfer('dep-first')).amount).toBe(1000n);
  });

  it('refuses bad transfers with stable codes and changes nothing', async () => {
    const before = await ledger.checkInvariants();
    const cases: [Partial<TransferInput>, string][] = [
      [{ amount: 0n }, 'amount.not_positive'],
      [{ amount: -1n }, 'amount.not_positive'],
      [{ amount: MAX + 1n }, 'amount.too_large'],
      [{ amount: 10n ** 9n }, 'account.debits_exceed_credits'],
      [{ creditAccountId: eth.id }, 'transfer.asset_mismatch'],
      [{ creditAccountId: '00000000-0000-4000-8000-000000000000' }, 'account.not_found'],
      [{ creditAccountId: 'not-a-uuid' }, 'account.not_found'],
      [{ creditAccountId: alice.id }, 'transfer.accounts_same'],
      [{ id: 'bad id with spaces' }, 'transfer.id_invalid'],
      [{ flags: ['pending', 'post_pending'] }, 'transfer.flags_invalid'],
      [{ timeoutSeconds: 5 }, 'transfer.timeout_invalid'],
      [{ flags: ['linked'] }, 'transfer.linked_chain_open'],
    ];
    for (const [patch, code] of cases) {
      const input = {
        id: id('bad'),
        debitAccountId: alice.id,
        creditAccountId: bob.id,
        amount: 1n,
        ...patch,
      } as TransferInput;
      expect(
        `${JSON.stringify(patch, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))} → ${await refusal(ledger.transfer(input))}`,
      ).toBe(`${JSON.stringify(patch, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))} → ${code}`);
    }
    const after = await ledger.checkInvariants();
    expect(after.sequence).toBe(before.sequence);
    expect(after.ok).toBe(true);
  });

  it('holds, partially posts, voids, refuses a second resolution and over-posting', async () => {
    await deposit(bob, 500n);
    const hold = await ledger.transfer({
      id: id('hold'),
      debitAccountId: bob.id,
      creditAccountId: alice.id,
      amount: 300n,
      flags: ['pending'],
    });
    expect(hold.pendingState).toBe('pending');
    let b = await ledger.getAccount(bob.id);
    expect([b.debitsPending, b.debitsPosted]).toEqual([300n, 0n]);
    expect(
      await refusal(
        ledger.transfer({
          id: id('p'),
          debitAccountId: '',
          creditAccountId: '',
          flags: ['post_pending'],
          pendingId: hold.id,
          amount: 301n,
        }),
      ),
    ).toBe('pending.amount_exceeds');
    // The hold counts against the balance: 500 - 300 leaves 200.
    expect(
      await refusal(ledger.transfer({ id: id('x'), debitAccountId: bob.id, creditAccountId: alice.id, amount: 201n })),
    ).toBe('account.debits_exceed_credits');
    const post = await ledger.transfer({
      id: id('post'),
      debitAccountId: '',
      creditAccountId: '',
      flags: ['post_pending'],
      pendingId: hold.id,
      amount: 120n,
    });
    expect(post.amount).toBe(120n);
    b = await ledger.getAccount(bob.id);
    expect([b.debitsPending, b.debitsPosted]).toEqual([0n, 120n]);
    expect((await ledger.getTransfer(hold.id)).pendingState).toBe('posted');
    expect(
      await refusal(
        ledger.transfer({
          id: id('void'),
          debitAccountId: '',
          creditAccountId: '',
          flags: ['void_pending'],
          pendingId: hold.id,
        }),
      ),
    ).toBe('pending.already_resolved');
    const hold2 = await ledger.transfer({
      id: id('hold'),
      debitAccountId: bob.id,
      creditAccountId: alice.id,
      amount: 50n,
      flags: ['pending'],
    });
    await ledger.transfer({
      id: id('void'),
      debitAccountId: bob.id,
      creditAccountId: alice.id,
      flags: ['void_pending'],
      pendingId: hold2.id,
    });
    expect(
      await refusal(
        ledger.transfer({
          id: id('void'),
          debitAccountId: '',
          creditAccountId: '',
          flags: ['void_pending'],
          pendingId: hold2.id,
        }),
      ),
    ).toBe('pending.already_resolved');
    expect(
      await refusal(
        ledger.transfer({
          id: id('post'),
          debitAccountId: '',
          creditAccountId: '',
          flags: ['post_pending'],
          pendingId: 'nope',
        }),
      ),
    ).toBe('pending.not_found');
    b = await ledger.getAccount(bob.id);
    expect([b.debitsPending, b.debitsPosted, b.creditsPosted]).toEqual([0n, 120n, 500n]);
    expect((await ledger.checkInvariants()).ok).toBe(true);
  });

  it('commits or refuses a linked chain as a whole, in one batch with independent results', async () => {
    const carol = await ledger.openAccount({ clientId: 'acme', ownerId: 'carol', asset: 'BTC', kind: 'user' });
    const fees = await ledger.openAccount({ clientId: 'operator', ownerId: 'fees', asset: 'BTC', kind: 'fee_revenue' });
    await deposit(carol, 100n);
    const results = await ledger.createTransfers([
      { id: id('ok'), debitAccountId: custody.id, creditAccountId: carol.id, amount: 1n },
      { id: id('amt'), debitAccountId: carol.id, creditAccountId: bob.id, amount: 90n, flags: ['linked'] },
      { id: id('fee'), debitAccountId: carol.id, creditAccountId: fees.id, amount: 20n },
      { id: id('amt'), debitAccountId: carol.id, creditAccountId: bob.id, amount: 80n, flags: ['linked'] },
      { id: id('fee'), debitAccountId: carol.id, creditAccountId: fees.id, amount: 20n },
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : r.code))).toEqual([
      'ok',
      'transfer.linked_failed',
      'account.debits_exceed_credits',
      'ok',
      'ok',
    ]);
    const c = await ledger.getAccount(carol.id);
    expect(c.creditsPosted - c.debitsPosted).toBe(1n);
    const seqs = results.filter((r) => r.ok).map((r) => (r.ok ? r.transfer.sequence : 0n));
    expect(seqs[1] - seqs[0]).toBe(1n);
    expect(seqs[2] - seqs[1]).toBe(1n);
  });

  it('voids timed-out pendings by itself with a void record, and refuses to post them', async () => {
    const dave = await ledger.openAccount({ clientId: 'acme', ownerId: 'dave', asset: 'BTC', kind: 'user' });
    await deposit(dave, 10n);
    const hold = await ledger.transfer({
      id: id('hold'),
      debitAccountId: dave.id,
      creditAccountId: bob.id,
      amount: 10n,
      flags: ['pending'],
      timeoutSeconds: 60,
    });
    expect(hold.timeoutAt!.getTime() - hold.createdAt.getTime()).toBe(60_000);
    expect(await ledger.expirePending(new Date(hold.createdAt.getTime() + 59_000))).toBe(0);
    const expired = await ledger.expirePending(new Date(hold.createdAt.getTime() + 61_000));
    expect(expired).toBe(1);
    expect((await ledger.getTransfer(hold.id)).pendingState).toBe('expired');
    const record = await ledger.getTransfer(`expired~${hold.id}`);
    expect(record).toMatchObject({ pendingId: hold.id, code: 'expired', amount: 10n, flags: ['void_pending'] });
    expect((await ledger.getAccount(dave.id)).debitsPending).toBe(0n);
    expect(
      await refusal(
        ledger.transfer({
          id: id('post'),
          debitAccountId: '',
          creditAccountId: '',
          flags: ['post_pending'],
          pendingId: hold.id,
        }),
      ),
    ).toBe('pending.already_resolved');
  });

  it('refuses transfers to and from a closed account, but still voids its pendings', async () => {
    const frank = await ledger.openAccount({ clientId: 'acme', ownerId: 'frank', asset: 'BTC', kind: 'user' });
    await deposit(frank, 10n);
    const hold = await ledger.transfer({
      id: id('hold'),
      debitAccountId: frank.id,
      creditAccountId: bob.id,
      amount: 4n,
      flags: ['pending'],
    });
    await ledger.closeAccount(frank.id);
    expect(await refusal(deposit(frank, 1n))).toBe('account.closed');
    expect(
      await refusal(
        ledger.transfer({
          id: id('post'),
          debitAccountId: '',
          creditAccountId: '',
          flags: ['post_pending'],
          pendingId: hold.id,
        }),
      ),
    ).toBe('account.closed');
    await ledger.transfer({
      id: id('void'),
      debitAccountId: '',
      creditAccountId: '',
      flags: ['void_pending'],
      pendingId: hold.id,
    });
    expect((await ledger.getAccount(frank.id)).debitsPending).toBe(0n);
  });

  it('reads balances as of a sequence and as of a time', async () => {
    const gina = await ledger.openAccount({ clientId: 'acme', ownerId: 'gina', asset: 'BTC', kind: 'user' });
    const t1 = await deposit(gina, 100n);
    const t2 = await deposit(gina, 50n);
    const t3 = await ledger.transfer({
      id: id('hold'),
      debitAccountId: gina.id,
      creditAccountId: bob.id,
      amount: 30n,
      flags: ['pending'],
    });
    expect(await ledger.balances(gina.id, { sequence: t1.sequence })).toMatchObject({
      creditsPosted: 100n,
      debitsPending: 0n,
      sequence: t1.sequence,
    });
    expect(await ledger.balances(gina.id, { sequence: t2.sequence - 1n })).toMatchObject({ creditsPosted: 100n });
    expect(await ledger.balances(gina.id, { sequence: t3.sequence })).toMatchObject({
      creditsPosted: 150n,
      debitsPending: 30n,
    });
    expect(await ledger.balances(gina.id, { sequence: t1.sequence - 1n })).toMatchObject({ creditsPosted: 0n });
    expect(await ledger.balances(gina.id, { timestamp: t3.createdAt })).toMatchObject({
      creditsPosted: 150n,
      debitsPending: 30n,
    });
    const now = await ledger.balances(gina.id);
    expect(now).toMatchObject({ creditsPosted: 150n, debitsPending: 30n });
    expect(now.sequence).toBeGreaterThanOrEqual(t3.sequence);
    expect(await refusal(ledger.balances(gina.id, { sequence: now.sequence + 1000n }))).toBe('balance.as_of_future');
  });

  it('refuses UPDATE and DELETE of transfers in the database itself', async () => {
    const { db } = ctx();
    await expect(db.query("UPDATE ledger.transfers SET amount = 1 WHERE id = 'dep-first'")).rejects.toThrow(
      /immutable/,
    );
    await expect(db.query("DELETE FROM ledger.transfers WHERE id = 'dep-first'")).rejects.toThrow(/immutable/);
    // The CHECK constraints enforce the flags even if the service were bypassed.
    await expect(
      db.query('UPDATE ledger.accounts SET debits_posted = credits_posted + 1 WHERE id = $1', [alice.id]),
    ).rejects.toThrow(/debits_must_not_exceed_credits/);
  });

  it('keeps the invariants and reports drift when a row is tampered with', async () => {
    const report = await ledger.checkInvariants();
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.perAsset.find((a) => a.asset === 'BTC')?.balanced).toBe(true);
    const { db } = ctx();
    await db.query('UPDATE ledger.accounts SET credits_posted = credits_posted + 7 WHERE id = $1', [bob.id]);
    const bad = await ledger.checkInvariants();
    expect(bad.ok).toBe(false);
    expect(bad.violations.map((v) => v.rule)).toContain('row_equals_transfers');
    await db.query('UPDATE ledger.accounts SET credits_posted = credits_posted - 7 WHERE id = $1', [bob.id]);
    expect((await ledger.checkInvariants()).ok).toBe(true);
  });
});
