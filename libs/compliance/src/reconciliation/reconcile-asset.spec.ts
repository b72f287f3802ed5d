import { reconcileAsset } from './reconcile-asset';

const custody = (netDebit: bigint) => [
  { accountId: 'acc-custody', clientId: 'operator', ownerId: 'btc-main', asset: 'BTC', kind: 'custody', netDebit },
];
const hold = (amount: bigint, address = 'bcrt1qcustody') => ({ address, amount, walletId: 'btc-main', clientId: null });

describe('reconcileAsset', () => {
  it('is balanced when chain, ledger custody and liabilities agree (confirming and in-flight accounted)', () => {
    const r = reconcileAsset({
      asset: 'BTC',
      liabilities: 900n,
      holdings: [hold(600n), hold(450n, 'b')],
      incoming: 150n,
      outgoing: 0n,
      custodyAccounts: custody(900n),
    });
    expect(r.summary.status).toBe('balanced');
    expect(r.differences).toEqual([]);
    const inflight = reconcileAsset({
      asset: 'BTC',
      liabilities: 900n,
      holdings: [hold(700n)],
      incoming: 0n,
      outgoing: 200n,
      custodyAccounts: custody(900n),
    });
    expect(inflight.summary.status).toBe('balanced');
  });

  it('reports a shortfall on chain with its amount and addresses', () => {
    const r = reconcileAsset({
      asset: 'BTC',
      liabilities: 900n,
      holdings: [hold(850n)],
      incoming: 0n,
      outgoing: 0n,
      custodyAccounts: custody(900n),
    });
    expect(r.summary.status).toBe('shortfall');
    expect(r.differences.map((d) => [d.kind, d.amount])).toEqual([
      ['shortfall', '50'],
      ['custody_mismatch', '50'],
    ]);
    expect(r.differences[0].addresses).toEqual(['bcrt1qcustody']);
  });

  it('reports a ledger discrepancy even when users are covered', () => {
    const r = reconcileAsset({
      asset: 'BTC',
      liabilities: 100n,
      holdings: [hold(1000n)],
      incoming: 0n,
      outgoing: 0n,
      custodyAccounts: custody(990n),
    });
    expect(r.summary.status).toBe('discrepancy');
    expect(r.differences).toEqual([
      expect.objectContaining({ kind: 'custody_mismatch', amount: '-10', accounts: ['acc-custody'] }),
    ]);
  });
});
