import { describeEachBackend } from '@strongroom/testing';
import { ledgerContext, LedgerService, type Account, type TransferInput } from './index';
import { ledgerBatches, ledgerFastFallbacks } from './ledger.metrics';

const fallbacks = async () => (await ledgerFastFallbacks.get()).values[0]?.value ?? 0;
const fastWrites = async () => (await ledgerBatches.get()).values.find((v) => v.labels.path === 'fast')?.value ?? 0;

/**
 * The one-statement path (a batch planned from cached account facts, its flag checks made in SQL
 * on the locked rows) must give exactly the full path's results: what it cannot decide it hands
 * over, and nothing of it stays written.
 */
describeEachBackend('ledger fast path', { contexts: [ledgerContext] }, (ctx) => {
  let ledger: LedgerService;
  let custody: Account;
  let fees: Account;
  let n = 0;
  const id = () => `fast-${++n}`;
  const user = async () => {
    const a = await ledger.openAccount({ clientId: 'acme', ownerId: `fast-u${++n}`, asset: 'BTC', kind: 'user' });
    // One full-path batch puts the account's facts in the cache.
    await ledger.createTransfers([{ id: id(), debitAccountId: custody.id, creditAccountId: a.id, amount: 5n }]);
    return a;
  };
  const move = (from: Account, to: Account, amount: bigint, flags?: TransferInput['flags']): TransferInput => ({
    id: id(),
    debitAccountId: from.id,
    creditAccountId: to.id,
    amount,
    ...(flags ? { flags } : {}),
  });
  const outcome = (rs: { ok: boolean; code?: string }[]) => rs.map((r) => (r.ok ? 'ok' : r.code));

  beforeAll(async () => {
    ledger = new LedgerService(ctx().db);
    custody = await ledger.openAccount({ clientId: 'operator', ownerId: 'fast-hot', asset: 'BTC', kind: 'custody' });
    fees = await ledger.openAccount({ clientId: 'operator', ownerId: 'fast-fees', asset: 'BTC', kind: 'fee_revenue' });
    await ledger.createTransfers([{ id: id(), debitAccountId: custody.id, creditAccountId: fees.id, amount: 1n }]);
  });

  it('writes a batch whose checks pass in order in one statement, counting credits earlier in the batch', async () => {
    const [a, b, c] = [await user(), await user(), await user()];
    const [before, fast] = [await fallbacks(), await fastWrites()];
    // b holds 5: it can send 8 only after a's 5 arrive earlier in the same batch.
    const rs = await ledger.createTransfers([move(a, b, 5n), move(b, c, 8n), move(c, fees, 13n, ['pending'])]);
    expect(outcome(rs)).toEqual(['ok', 'ok', 'ok']);
    expect([await fallbacks(), await fastWrites()]).toEqual([before, fast + 1]);
    const seqs = rs.map((r) => (r.ok ? r.transfer.sequence : 0n));
    expect([seqs[1] - seqs[0], seqs[2] - seqs[1]]).toEqual([1n, 1n]);
    expect((await ledger.getAccount(c.id)).debitsPending).toBe(13n);
    expect((await ledger.checkInvariants()).violations).toEqual([]);
  });

  it('hands a batch the balances would refuse in part to the full path, which refuses only that transfer', async () => {
    const [a, b] = [await user(), await user()];
    const before = await fallbacks();
    const rs = await ledger.createTransfers([move(a, b, 3n), move(a, b, 3n), move(b, fees, 8n)]);
    expect(outcome(rs)).toEqual(['ok', 'account.debits_exceed_credits', 'ok']);
    expect(await fallbacks()).toBe(before + 1);
    expect((await ledger.getAccount(a.id)).debitsPosted).toBe(3n);
    // In order, b's 8 needed a's first 3: sent the other way round it is refused.
    const again = await ledger.createTransfers([move(b, fees, 9n), move(a, b, 2n)]);
    expect(outcome(again)).toEqual(['account.debits_exceed_credits', 'ok']);
    // A debit refused in order although the batch's end state would allow it (the credit comes after).
    const c = await user();
    const late = await ledger.createTransfers([move(c, fees, 8n), move(custody, c, 4n)]);
    expect(outcome(late)).toEqual(['account.debits_exceed_credits', 'ok']);
    expect(await fallbacks()).toBe(before + 3);
    expect((await ledger.checkInvariants()).violations).toEqual([]);
  });

  it('hands over a known id, a closed account and a custody credited beyond its debits, leaving nothing of its own', async () => {
    const [a, b] = [await user(), await user()];
    const first = move(a, b, 1n);
    await ledger.createTransfers([first]);
    const before = await fallbacks();
    const replay = await ledger.createTransfers([move(a, b, 1n), first]);
    expect(replay.map((r) => r.ok && r.replayed)).toEqual([false, true]);
    expect(await fallbacks()).toBe(before + 1);
    const refill = await ledger.createTransfers([move(fees, custody, 10n ** 30n), move(a, b, 1n)]);
    expect(outcome(refill)).toEqual(['account.credits_exceed_debits', 'ok']);
    await ledger.closeAccount(b.id);
    const closed = await ledger.createTransfers([move(a, b, 1n), move(a, fees, 1n)]);
    expect(outcome(closed)).toEqual(['account.closed', 'ok']);
    expect(await fallbacks()).toBe(before + 3);
    expect((await ledger.checkInvariants()).violations).toEqual([]);
  });

  it('gives inside a caller transaction the same results, and falls back without undoing the caller', async () => {
    const [a, b] = [await user(), await user()];
    const rs = await ctx().db.transaction(async (tx) => {
      await ledger.createTransfers([move(a, b, 2n)], tx);
      return ledger.createTransfers([move(a, b, 2n), move(a, b, 2n)], tx);
    });
    expect(outcome(rs)).toEqual(['ok', 'account.debits_exceed_credits']);
    expect((await ledger.getAccount(a.id)).debitsPosted).toBe(4n);
    expect((await ledger.checkInvariants()).violations).toEqual([]);
  });
});
