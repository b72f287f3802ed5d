import type { CustodyUtxo } from './custody-utxo';
import { UtxoTracker } from './utxo-tracker';

const utxo = (txid: string, height: number): [string, CustodyUtxo] => [
  `${txid}:0`,
  { txid, vout: 0, value: 1000n, script: '00', witnessScript: '00', address: 'a', height },
];

describe('UtxoTracker', () => {
  it('undoes a replaced block before applying its replacement, and ignores a re-read', () => {
    const t = new UtxoTracker();
    t.apply(10, 'h10', [utxo('a', 10)], []);
    t.apply(11, 'h11', [utxo('b', 11)], ['a:0']);
    t.apply(11, 'h11', [utxo('b', 11)], ['a:0']);
    expect(t.all().map((u) => u.txid)).toEqual(['b']);
    t.apply(11, 'h11x', [utxo('c', 11)], []);
    expect(
      t
        .all()
        .map((u) => u.txid)
        .sort(),
    ).toEqual(['a', 'c']);
    t.apply(10, 'h10x', [], []);
    expect(t.all()).toEqual([]);
  });
});
