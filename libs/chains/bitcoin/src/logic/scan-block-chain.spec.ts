import { Block, Transaction } from 'bitcoinjs-lib';
import { scanBlock, spentKey, type TrackedOutpoints } from './scan-block';
import { ScriptSet } from './script-set';

describe('scanBlock: a chain mined in one block', () => {
  it('reports the spend of a watched output created earlier in the same block (a withdrawal and its CPFP child)', () => {
    const custody = Buffer.concat([Buffer.from([0, 32]), Buffer.alloc(32, 9)]);
    const coinbase = new Transaction();
    coinbase.addInput(Buffer.alloc(32, 0), 0xffffffff);
    coinbase.addOutput(Buffer.from([0x51]), 0n);
    const parent = new Transaction();
    parent.addInput(Buffer.alloc(32, 1), 0);
    parent.addOutput(custody, 60_000_000n);
    const child = new Transaction();
    child.addInput(parent.getHash(), 0);
    child.addOutput(custody, 59_999_000n);
    const block = new Block();
    Object.assign(block, {
      version: 0x20000000,
      prevHash: Buffer.alloc(32, 2),
      merkleRoot: Buffer.alloc(32, 7),
      timestamp: 1_700_000_000,
      bits: 0x207fffff,
      nonce: 1,
      transactions: [coinbase, parent, child],
    });
    const watched = new ScriptSet(4);
    watched.add(custody);
    const nothingTracked: TrackedOutpoints = { size: 0, mayContain: () => false, has: () => false };
    const got = scanBlock(Buffer.from(block.toBuffer()), watched, nothingTracked);
    expect(got.outputs.map((o) => o.txid)).toEqual([parent.getId(), child.getId()]);
    expect(got.spends).toEqual([{ txid: child.getId(), vin: 0, outpoint: spentKey(parent.getHash(), 0) }]);
  });
});
