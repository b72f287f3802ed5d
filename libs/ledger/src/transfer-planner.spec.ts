import type { Account } from './ledger.types';
import { accountsToLock, planBatch, type KnownTransfer } from './transfer-planner';
import { transferBodyHash } from './canonical-body';

const account = (id: string, flags: Partial<Account['flags']>, creditsPosted = 0n, debitsPosted = 0n): Account => ({
  id,
  clientId: 'c',
  ownerId: id,
  asset: 'BTC',
  kind: 'user',
  flags: { debitsMustNotExceedCredits: false, creditsMustNotExceedDebits: false, closed: false, ...flags },
  debitsPending: 0n,
  debitsPosted,
  creditsPending: 0n,
  creditsPosted,
  createdAt: new Date(0),
});

const user = account('u', { debitsMustNotExceedCredits: true }, 100n);
const custody = account('c', { creditsMustNotExceedDebits: true }, 0n, 1000n);
const other = account('o', {});
const accounts = new Map([user, custody, other].map((a) => [a.id, a]));

const pending = (over: Partial<KnownTransfer> = {}): KnownTransfer => {
  const input = {
    id: 'h1',
    debitAccountId: 'u',
    creditAccountId: 'o',
    amount: 40n,
    flags: ['pending' as const],
    timeoutSeconds: 60,
  };
  return {
    id: 'h1',
    sequence: 1n,
    debitAccountId: 'u',
    creditAccountId: 'o',
    asset: 'BTC',
    amount: 40n,
    flags: ['pending'],
    pendingId: null,
    timeoutAt: new Date(60_000),
    pendingState: 'pending',
    code: null,
    metadata: {},
    createdAt: new Date(0),
    bodyHash: transferBodyHash(input),
    ...over,
  };
};

const codes = (p: ReturnType<typeof planBatch>) => p.outcomes.map((o) => (o.kind === 'refused' ? o.code : o.kind));

describe('planBatch', () => {
  it('refuses to post a pending whose timeout passed, but lets the sweeper expire it', () => {
    const known = new Map([['h1', pending()]]);
    const post = {
      id: 'p1',
      debitAccountId: '',
      creditAccountId: '',
      flags: ['post_pending' as const],
      pendingId: 'h1',
    };
    expect(codes(planBatch([post], { accounts, known, now: new Date(59_999) }))).toEqual(['new']);
    expect(codes(planBatch([post], { accounts, known, now: new Date(60_000) }))).toEqual(['pending.expired']);
    const expire = { ...post, id: 'expired~h1', flags: ['void_pending' as const], expire: true };
    const plan = planBatch([expire], { accounts, known, now: new Date(60_000) });
    expect(plan.transfers[0].resolves).toEqual({ pendingId: 'h1', state: 'expired' });
    expect(plan.deltas.get('u')).toEqual({
      debitsPending: -40n,
      debitsPosted: 0n,
      creditsPending: 0n,
      creditsPosted: 0n,
    });
    expect(codes(planBatch([expire], { accounts, known, now: new Date(59_000) }))).toEqual(['pending.not_found']);
  });

  it('posts and voids a pending created earlier in the same batch, and resolves it only once', () => {
    const plan = planBatch(
      [
        { id: 'h', debitAccountId: 'u', creditAccountId: 'o', amount: 30n, flags: ['pending'] },
        { id: 'p', debitAccountId: '', creditAccountId: '', flags: ['post_pending'], pendingId: 'h', amount: 10n },
        { id: 'v', debitAccountId: '', creditAccountId: '', flags: ['void_pending'], pendingId: 'h' },
      ],
      { accounts, known: new Map(), now: new Date(0) },
    );
    expect(codes(plan)).toEqual(['new', 'new', 'pending.already_resolved']);
    expect(plan.deltas.get('u')).toEqual({
      debitsPending: 0n,
      debitsPosted: 10n,
      creditsPending: 0n,
      creditsPosted: 0n,
    });
  });

  it('sees the effects of earlier transfers in the batch and undoes a failed chain', () => {
    const plan = planBatch(
      [
        { id: 'a', debitAccountId: 'u', creditAccountId: 'o', amount: 60n, flags: ['linked'] },
        { id: 'b', debitAccountId: 'u', creditAccountId: 'o', amount: 50n },
        { id: 'c', debitAccountId: 'u', creditAccountId: 'o', amount: 100n },
      ],
      { accounts, known: new Map(), now: new Date(0) },
    );
    expect(codes(plan)).toEqual(['transfer.linked_failed', 'account.debits_exceed_credits', 'new']);
    expect(plan.transfers.map((t) => t.id)).toEqual(['c']);
  });

  it('treats a repeated id in one batch as a replay with the same body and a conflict otherwise', () => {
    const t = { id: 'd', debitAccountId: 'c', creditAccountId: 'u', amount: 5n };
    const plan = planBatch([t, { ...t }, { ...t, amount: 6n }], { accounts, known: new Map(), now: new Date(0) });
    expect(codes(plan)).toEqual(['new', 'new', 'transfer.id_conflict']);
    expect(plan.outcomes[1]).toMatchObject({ kind: 'new', replayed: true });
    expect(plan.transfers).toHaveLength(1);
  });

  it('clamps balancing debits to what is available', () => {
    const plan = planBatch(
      [{ id: 'b', debitAccountId: 'u', creditAccountId: 'o', amount: 1000n, flags: ['balancing_debit'] }],
      {
        accounts,
        known: new Map(),
        now: new Date(0),
      },
    );
    expect(plan.transfers[0].amount).toBe(100n);
  });

  it('refuses credits to a custody account beyond its debits', () => {
    const plan = planBatch([{ id: 'x', debitAccountId: 'o', creditAccountId: 'c', amount: 1001n }], {
      accounts,
      known: new Map(),
      now: new Date(0),
    });
    expect(codes(plan)).toEqual(['account.credits_exceed_debits']);
  });
});

describe('accountsToLock', () => {
  const flagsOf = (id: string) => accounts.get(id)?.flags;
  it('locks only accounts a transfer could push past their flag', () => {
    // A deposit (custody debit, user credit) moves both away from a violation: nothing to lock.
    expect(accountsToLock([{ id: '1', debitAccountId: 'c', creditAccountId: 'u', amount: 1n }], flagsOf)).toEqual([]);
    expect(accountsToLock([{ id: '2', debitAccountId: 'u', creditAccountId: 'c', amount: 1n }], flagsOf)).toEqual([
      'c',
      'u',
    ]);
    expect(
      accountsToLock(
        [{ id: '3', debitAccountId: '', creditAccountId: '', flags: ['post_pending'], pendingId: 'h' }],
        flagsOf,
      ),
    ).toEqual([]);
    expect(
      accountsToLock(
        [{ id: '4', debitAccountId: 'o', creditAccountId: 'u', amount: 1n, flags: ['balancing_debit'] }],
        flagsOf,
      ),
    ).toEqual(['o']);
  });
});
