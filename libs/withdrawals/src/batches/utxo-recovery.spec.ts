import { BitcoinAdapter } from '@strongroom/chains-bitcoin';
import { Transaction } from 'bitcoinjs-lib';
import type { BatchRow } from './batch-row';
import type { WorkerDeps } from '../core/deps';
import { UtxoRecovery } from './utxo-recovery';

// parentsFirst is pure over the stored transactions (no RPC): the real adapter decodes them.
const adapter = new BitcoinAdapter({
  network: 'regtest',
  rpcUrl: 'http://127.0.0.1:1/',
  feeRate: { default: 2, min: 1, max: 50 },
});
const recovery = new UtxoRecovery({} as WorkerDeps, adapter, { rebroadcastAfterMs: 1000, confirmations: 2 });

function tx(spends: { hash: Uint8Array; index: number }[]): Transaction {
  const t = new Transaction();
  for (const s of spends) t.addInput(s.hash, s.index);
  t.addOutput(Buffer.concat([Buffer.from([0, 32]), Buffer.alloc(32, 5)]), 1000n);
  return t;
}
const row = (id: string, seq: number, t: Transaction) =>
  ({ id, seq: String(seq), txid: t.getId(), signed_raw: t.toHex() }) as BatchRow;

describe('UtxoRecovery.parentsFirst', () => {
  it('re-sends a parent before the batches spending its outputs, whatever their seq; unrelated ones by seq', () => {
    const grand = tx([{ hash: Buffer.alloc(32, 1), index: 0 }]);
    const parent = tx([{ hash: grand.getHash(), index: 0 }]);
    const child = tx([
      { hash: parent.getHash(), index: 0 },
      { hash: grand.getHash(), index: 1 },
    ]);
    const other = tx([{ hash: Buffer.alloc(32, 2), index: 0 }]);
    // Seqs out of order on purpose: a later-created batch may be the parent.
    const order = recovery
      .parentsFirst([row('child', 1, child), row('other', 2, other), row('parent', 3, parent), row('grand', 4, grand)])
      .map((b) => b.id);
    expect(order.indexOf('grand')).toBeLessThan(order.indexOf('parent'));
    expect(order.indexOf('parent')).toBeLessThan(order.indexOf('child'));
    expect(order).toHaveLength(4);
    expect(recovery.parentsFirst([row('b', 2, other), row('a', 1, grand)]).map((b) => b.id)).toEqual(['a', 'b']);
  });
});
