import { settlementLegs, type SettlementAccounts } from './settlement-legs';

const accounts: SettlementAccounts = {
  perAsset: new Map([
    ['ETH', { inFlight: 'ifE', custody: 'cE', feeRevenue: 'rE' }],
    ['USDC', { inFlight: 'ifU', custody: 'cU', feeRevenue: 'rU' }],
  ]),
  feeExpense: 'xE',
  networkFeePayer: 'cE',
};

/** Net change per account (debit-minus-credit), counting a post_pending as its hold amount. */
function net(legs: ReturnType<typeof settlementLegs>, holds: Map<string, bigint>): Map<string, bigint> {
  const m = new Map<string, bigint>();
  const add = (k: string, v: bigint) => m.set(k, (m.get(k) ?? 0n) + v);
  for (const l of legs) {
    const amount = l.amount ?? holds.get(l.pendingId as string) ?? 0n;
    add(l.debitAccountId, amount);
    add(l.creditAccountId, -amount);
  }
  return m;
}

describe('settlementLegs', () => {
  it('books amount, withdrawal fee and network fee so in-flight clears and custody drops by amount + network fee', () => {
    const ws = [
      { id: 'w1', asset: 'ETH', userAccountId: 'u1', amount: 1000n, fee: 10n },
      { id: 'w2', asset: 'USDC', userAccountId: 'u2', amount: 500n, fee: 0n },
    ];
    const legs = settlementLegs('b1', ws, 21n, accounts);
    const holds = new Map([
      ['withdrawal:w1:hold', 1010n],
      ['withdrawal:w2:hold', 500n],
    ]);
    const n = net(legs, holds);
    expect(n.get('u1')).toBe(1010n); // user liability debited by amount + fee
    expect(n.get('u2')).toBe(500n);
    expect(n.get('ifE')).toBe(0n);
    expect(n.get('ifU')).toBe(0n);
    expect(n.get('cE')).toBe(-1021n); // custody credited (decreases) by amount + network fee
    expect(n.get('cU')).toBe(-500n);
    expect(n.get('rE')).toBe(-10n);
    expect(n.get('xE')).toBe(21n);
    // One linked chain: every leg but the last is linked.
    expect(legs.slice(0, -1).every((l) => l.flags?.includes('linked'))).toBe(true);
    expect(legs[legs.length - 1].flags?.includes('linked') ?? false).toBe(false);
    expect(new Set(legs.map((l) => l.id)).size).toBe(legs.length);
  });
});
