import { Block, Transaction } from 'bitcoinjs-lib';
import fc from 'fast-check';
import { scanBlock, spentKey, type TrackedOutpoints } from './scan-block';
import { ScriptSet } from './script-set';

/** The straightforward version over bitcoinjs-lib's parser: what scanBlock must agree with. */
function reference(raw: Buffer, watched: Set<string>, tracked: Set<string>) {
  const block = Block.fromBuffer(raw);
  const outputs: string[] = [];
  const spends: string[] = [];
  (block.transactions ?? []).forEach((tx, t) => {
    if (t > 0)
      tx.ins.forEach(
        (input, vin) =>
          tracked.has(spentKey(input.hash, input.index)) &&
          spends.push(`${tx.getId()}|${vin}|${spentKey(input.hash, input.index)}`),
      );
    tx.outs.forEach(
      (out, vout) =>
        watched.has(Buffer.from(out.script).toString('hex')) &&
        outputs.push(`${tx.getId()}|${vout}|${Buffer.from(out.script).toString('hex')}|${out.value}`),
    );
  });
  return { hash: block.getId(), outputs, spends, txCount: block.transactions?.length ?? 0 };
}

const bytes = (min: number, max: number) =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((a) => Buffer.from(a));

describe('scanBlock', () => {
  it('finds exactly what a bitcoinjs-lib walk finds, with the same txids, on random blocks (property)', () => {
    const watchedPool = Array.from({ length: 8 }, (_, i) =>
      Buffer.concat([Buffer.from([0, 32]), Buffer.alloc(32, i + 1)]),
    );
    const outpointPool = Array.from({ length: 8 }, (_, i) => ({ hash: Buffer.alloc(32, 0x40 + i), index: i }));
    const txArb = fc.record({
      version: fc.integer({ min: 1, max: 2 }),
      locktime: fc.nat(),
      ins: fc.array(
        fc.record({
          pick: fc.nat(15),
          hash: bytes(32, 32),
          index: fc.nat(300),
          script: bytes(0, 300),
          witness: fc.array(bytes(0, 300), { maxLength: 3 }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      outs: fc.array(
        fc.record({
          pick: fc.nat(11),
          script: bytes(0, 260),
          value: fc.bigInt({ min: 0n, max: 2_100_000_000_000_000n }),
        }),
        { minLength: 1, maxLength: 5 },
      ),
    });
    fc.assert(
      fc.property(fc.array(txArb, { minLength: 1, maxLength: 12 }), bytes(32, 32), (specs, prev) => {
        const txs = specs.map((spec) => {
          const tx = new Transaction();
          tx.version = spec.version;
          tx.locktime = spec.locktime;
          spec.ins.forEach((i, n) => {
            const op = i.pick < outpointPool.length ? outpointPool[i.pick] : { hash: i.hash, index: i.index };
            tx.addInput(op.hash, op.index, 0xffffffff, i.script);
            tx.setWitness(n, i.witness);
          });
          for (const o of spec.outs)
            tx.addOutput(o.pick < watchedPool.length ? watchedPool[o.pick] : o.script, o.value);
          return tx;
        });
        const block = new Block();
        Object.assign(block, {
          version: 0x20000000,
          prevHash: prev,
          merkleRoot: Buffer.alloc(32, 7),
          timestamp: 1_700_000_000,
          bits: 0x207fffff,
          nonce: 1,
          transactions: txs,
        });
        const raw = Buffer.from(block.toBuffer());

        const watched = new ScriptSet(4);
        watchedPool.slice(0, 5).forEach((s) => watched.add(s));
        const trackedKeys = new Set(outpointPool.slice(0, 5).map((o) => spentKey(o.hash, o.index)));
        const prefilter = new ScriptSet(4);
        outpointPool.slice(0, 5).forEach((o) => {
          const b = Buffer.alloc(36);
          o.hash.copy(b);
          b.writeUInt32LE(o.index, 32);
          prefilter.add(b);
        });
        const tracked: TrackedOutpoints = {
          size: trackedKeys.size,
          mayContain: (r, s) => prefilter.has(r, s, s + 36),
          has: (k) => trackedKeys.has(k),
        };

        const got = scanBlock(raw, watched, tracked);
        const want = reference(raw, new Set(watchedPool.slice(0, 5).map((s) => s.toString('hex'))), trackedKeys);
        expect(got.hash).toBe(want.hash);
        expect(got.txCount).toBe(want.txCount);
        expect(got.parentHash).toBe(Buffer.from(prev).reverse().toString('hex'));
        expect(got.outputs.map((o) => `${o.txid}|${o.vout}|${o.script}|${o.value}`)).toEqual(want.outputs);
        expect(got.spends.map((s) => `${s.txid}|${s.vin}|${s.outpoint}`)).toEqual(want.spends);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses truncated blocks and trailing bytes', () => {
    const tx = new Transaction();
    tx.addInput(Buffer.alloc(32, 1), 0);
    tx.addOutput(Buffer.from([0x51]), 1n);
    const block = new Block();
    Object.assign(block, {
      version: 1,
      prevHash: Buffer.alloc(32),
      merkleRoot: Buffer.alloc(32),
      timestamp: 1,
      bits: 1,
      nonce: 1,
      transactions: [tx],
    });
    const raw = Buffer.from(block.toBuffer());
    const none: TrackedOutpoints = { size: 0, mayContain: () => false, has: () => false };
    expect(() => scanBlock(raw.subarray(0, raw.length - 2), new ScriptSet(), none)).toThrow(RangeError);
    expect(() => scanBlock(Buffer.concat([raw, Buffer.from([0])]), new ScriptSet(), none)).toThrow(/trailing/);
  });
});
