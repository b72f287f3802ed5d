import { scanBlock, ScriptSet, UtxoTracker, type CustodyUtxo } from '@strongroom/chains-bitcoin';
import { Block, Transaction } from 'bitcoinjs-lib';
import { createHash, randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { printTable } from '../table';

// Long because it is one benchmark script: the synthetic blocks, the gc and memory probes and both
// measured scans share its locals and must run in this order for the memory figures to hold.
/**
 * `npm run bench -- bitcoin-scan [--blocks=N] [--txs=N] [--watched=N]`: synthetic raw blocks of
 * segwit and legacy transactions scanned against a million watched P2WSH scripts, the way the
 * Bitcoin adapter's block() does (bitcoinjs-lib parse, match by script, tracked-outpoint lookups),
 * on one core. Compares the ScriptSet with a plain Set of hex strings: speed and memory.
 */
export async function run(args: string[]): Promise<void> {
  const arg = (name: string, def: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def);
  const blocks = arg('blocks', 30);
  const txsPerBlock = arg('txs', 2500);
  const watchedCount = arg('watched', 1_000_000);
  const trackedCount = 100_000;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const mem = () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };

  const watchedScript = (i: number) =>
    Buffer.concat([Buffer.from([0, 32]), createHash('sha256').update(`watched-${i}`).digest()]);

  // Custody outpoints the scan must notice being spent (keys as scanBlock renders them).
  const keys = Array.from(
    { length: trackedCount },
    (_, i) => `${createHash('sha256').update(`utxo-${i}`).digest('hex')}:0`,
  );
  const utxo: CustodyUtxo = { txid: '', vout: 0, value: 0n, script: '', witnessScript: '', address: '', height: 0 };
  const raws = Array.from({ length: blocks }, (_, b) => syntheticBlock(b, txsPerBlock, watchedCount, watchedScript));
  const totalTx = blocks * txsPerBlock;
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);

  /** One untimed pass to warm the JIT, then three timed passes over every block; the median pass counts. */
  const measure = (label: string, matcherBytes: number, scan: (raw: Buffer) => number) => {
    let matched = 0;
    for (const raw of raws) matched = scan(raw);
    const passes: number[] = [];
    for (let p = 0; p < 3; p++) {
      gc();
      matched = 0;
      const t0 = process.hrtime.bigint();
      for (const raw of raws) matched += scan(raw);
      passes.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    const seconds = passes.sort((a, b) => a - b)[1];
    return {
      matcher: label,
      blocks,
      'tx/block': txsPerBlock,
      watched: watchedCount,
      'matched outputs': matched,
      'tx/s': Math.round(totalTx / seconds),
      'ms/block': (seconds * 1000) / blocks,
      'matcher MB': mb(matcherBytes),
    };
  };

  const rows: Record<string, string | number>[] = [];
  {
    // Measured first, on a clean heap: heap + array buffers after a forced GC, before and after.
    const base = mem();
    const hexSet = new Set<string>();
    for (let i = 0; i < watchedCount; i++) hexSet.add(watchedScript(i).toString('hex'));
    const bytes = mem() - base;
    const trackedHex = new Set(keys);
    rows.push(
      measure('bitcoinjs-lib Block + Set<string> of hex', bytes, (raw) => {
        let n = 0;
        const block = Block.fromBuffer(raw);
        for (const tx of block.transactions ?? []) {
          for (const input of tx.ins) trackedHex.has(`${Buffer.from(input.hash).toString('hex')}:${input.index}`);
          for (const out of tx.outs) if (hexSet.has(Buffer.from(out.script).toString('hex'))) n++;
        }
        return n;
      }),
    );
  }
  {
    const set = new ScriptSet(watchedCount);
    for (let i = 0; i < watchedCount; i++) set.add(watchedScript(i));
    const bytes = set.byteSize;
    const tracker = new UtxoTracker();
    tracker.load(keys.map((k) => [k, utxo]));
    rows.push(measure('scanBlock: raw walk + ScriptSet', bytes, (raw) => scanBlock(raw, set, tracker).outputs.length));
    // What block() does per block after the RPC answer arrives: hex (getblock verbosity 0) to bytes, then scan.
    const hexes = new Map(raws.map((r) => [r, r.toString('hex')]));
    rows.push(
      measure(
        'same, from RPC hex',
        bytes,
        (raw) => scanBlock(Buffer.from(hexes.get(raw) ?? '', 'hex'), set, tracker).outputs.length,
      ),
    );
  }
  printTable([...rows.slice(1), rows[0]]);
  console.log(
    `\n${blocks} blocks of ${txsPerBlock} tx (${mb(raws.reduce((a, r) => a + r.length, 0))} MB raw), ${trackedCount.toLocaleString('en-US')} tracked custody outpoints; node ${process.version}, one core.`,
  );
}

/** A block of `n` transactions: 1–2 inputs (segwit or legacy), 2 outputs, ~1% paying a watched script. */
function syntheticBlock(seed: number, n: number, watchedCount: number, watchedScript: (i: number) => Buffer): Buffer {
  const block = new Block();
  block.version = 0x20000000;
  block.prevHash = randomBytes(32);
  block.merkleRoot = randomBytes(32);
  block.timestamp = 1_700_000_000 + seed;
  block.bits = 0x207fffff;
  block.nonce = seed;
  const coinbase = new Transaction();
  coinbase.addInput(Buffer.alloc(32), 0xffffffff, 0xffffffff, Buffer.from([3, seed & 0xff, 0, 0]));
  coinbase.addOutput(Buffer.concat([Buffer.from([0, 20]), randomBytes(20)]), 625_000_000n);
  const txs = [coinbase];
  for (let i = 1; i < n; i++) {
    const tx = new Transaction();
    tx.version = 2;
    const segwit = i % 4 !== 0;
    const inputs = 1 + (i % 3 === 0 ? 1 : 0);
    for (let j = 0; j < inputs; j++) {
      tx.addInput(randomBytes(32), j, 0xfffffffd, segwit ? Buffer.alloc(0) : randomBytes(106));
      if (segwit) tx.setWitness(j, [randomBytes(72), randomBytes(33)]);
    }
    const pay =
      i % 100 === 0
        ? watchedScript((seed * n + i) % watchedCount)
        : i % 5 === 0
          ? Buffer.concat([Buffer.from([0x76, 0xa9, 20]), randomBytes(20), Buffer.from([0x88, 0xac])])
          : Buffer.concat([Buffer.from([0, 20]), randomBytes(20)]);
    tx.addOutput(pay, 50_000n + BigInt(i));
    tx.addOutput(Buffer.concat([Buffer.from([0, 32]), randomBytes(32)]), 1_000_000n);
    txs.push(tx);
  }
  block.transactions = txs;
  return Buffer.from(block.toBuffer());
}
