import * as bitcoin from 'bitcoinjs-lib';
import { anchorBytes } from './anchor';
import { bitcoinAnchors, bitcoinAnchorsRoot } from './anchor-bitcoin';

const ROOT = '4e5b1e1fe4381ad69b9e093d41b78052562d1d633409e2a146ad261d1a7e3339';

function tx(root: string, segwit: boolean): bitcoin.Transaction {
  const t = new bitcoin.Transaction();
  t.version = 2;
  t.addInput(Buffer.alloc(32, 7), 1);
  if (segwit) t.setWitness(0, [Buffer.alloc(71, 1), Buffer.alloc(33, 2)]);
  t.addOutput(
    bitcoin.script.compile([bitcoin.opcodes.OP_RETURN, Buffer.from(anchorBytes('vector-snapshot-2', root))]),
    0n,
  );
  t.addOutput(Buffer.from('0014' + '11'.repeat(20), 'hex'), 5000n);
  return t;
}

describe('Bitcoin OP_RETURN anchors', () => {
  it.each([false, true])('finds the payload and the txid in a raw transaction (segwit %s)', (segwit) => {
    const t = tx(ROOT, segwit);
    expect(bitcoinAnchors(t.toHex())).toEqual([
      { txid: t.getId(), snapshotHash: '0340c23f1e9663c50351e71c79d22728619cbae700335c0109caf6207d5a3458', root: ROOT },
    ]);
    expect(bitcoinAnchorsRoot(t.toHex(), { snapshotId: 'vector-snapshot-2', root: ROOT })).toBe(true);
    expect(bitcoinAnchorsRoot(t.toHex(), { snapshotId: 'vector-snapshot-2', root: 'ab'.repeat(32) })).toBe(false);
    expect(bitcoinAnchorsRoot(t.toHex(), { snapshotId: 'another', root: ROOT })).toBe(false);
  });

  it('refuses truncated or padded bytes', () => {
    const hex = tx(ROOT, true).toHex();
    expect(() => bitcoinAnchors(hex.slice(0, -2))).toThrow(RangeError);
    expect(() => bitcoinAnchors(`${hex}00`)).toThrow(RangeError);
  });
});
