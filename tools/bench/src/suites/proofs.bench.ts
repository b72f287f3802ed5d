import { createHash, hash as oneShot } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { resourceUsage } from 'node:process';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2';
import { LiabilityTree, type UserBalances } from '@strongroom/compliance';
import { verifyProof } from '@strongroom/proof-verifier';
import { printTable } from '../table';

// Long because it is one benchmark script on one tree: peak RSS is read right after the parallel
// build, then the SHA-256 baseline, proof sizes and verify times are taken from that same tree.
/**
 * `npm run bench -- proofs [--users=N]`: the proof-of-liabilities tree for N users (default
 * 1,000,000) × 3 assets. Build time per phase, peak memory, proof size and verify time, and how
 * close the build is to the raw SHA-256 rate for the same message sizes on this machine.
 */
export async function run(args: string[]): Promise<void> {
  const users = Number(args.find((a) => a.startsWith('--users='))?.slice(8) ?? 1_000_000);
  const assets = ['BTC', 'ETH', 'USDC'];

  const hashRows = measureHashes();
  printTable(hashRows.map(({ row }) => row));
  console.log();

  const input = generateUsers(users);
  const rssBefore = process.memoryUsage().rss;
  // Phases in CPU time: this 2-core machine is often shared, and wall time then says little.
  const cpuMs = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  const salt = new Uint8Array(32).fill(1);
  const snapshotTime = '2026-12-03T00:00:00.000Z';
  const workers = Math.max(2, availableParallelism());

  // Parallel first, so that the peak RSS read right after it is this build's.
  const parallelTimings: Record<string, number> = {};
  let t0 = performance.now();
  let c0 = cpuMs();
  let tree = await LiabilityTree.buildParallel({
    snapshotId: 'bench-snapshot',
    snapshotTime,
    assets,
    salt,
    users: input,
    timings: parallelTimings,
    workers,
  });
  const parallelMs = performance.now() - t0;
  const parallelCpuMs = cpuMs() - c0;
  const rssAfter = process.memoryUsage().rss;
  const peakRss = resourceUsage().maxRSS / 1024;
  const parallelRoot = tree.root;

  const timings: Record<string, number> = {};
  t0 = performance.now();
  c0 = cpuMs();
  tree = LiabilityTree.build({
    snapshotId: 'bench-snapshot',
    snapshotTime,
    assets,
    salt,
    users: input,
    timings,
    clock: cpuMs,
  });
  const buildCpuMs = cpuMs() - c0;
  const buildMs = performance.now() - t0;
  if (tree.root !== parallelRoot) throw new Error('parallel and serial builds disagree');

  // SHA-256 calls the build makes: per user a nonce, a commitment and a leaf; one per inner node.
  let nodes = 0;
  for (let real = users, level = 0; level < tree.depth; level++) {
    real = Math.ceil(real / 2);
    nodes += real + 1;
  }
  const perCall = (size: number) => 1000 / (hashRows.find((h) => h.size === size)?.rate ?? NaN); // ms per call
  const shaFloorMs = users * (perCall(100) + perCall(87) + perCall(130)) + nodes * perCall(258);

  const sample = Math.min(1000, users);
  const proofs = Array.from({ length: sample }, (_, i) => tree.proofAt(Math.floor((i * users) / sample)));
  const texts = proofs.map((p) => JSON.stringify(p));
  const v0 = performance.now();
  for (const [i, t] of texts.entries())
    if (!verifyProof(t, { userId: proofs[i].userId, expectedRoot: tree.root }).valid)
      throw new Error('a proof did not verify');
  const verifyMs = (performance.now() - v0) / sample;
  const p0 = performance.now();
  for (let i = 0; i < sample; i++) tree.proofAt(Math.floor((i * users) / sample));
  const proofMs = (performance.now() - p0) / sample;

  printTable([
    { metric: 'users × assets', value: `${users.toLocaleString('en-US')} × ${assets.length}` },
    { metric: 'tree depth (leaves padded to 2^depth)', value: tree.depth },
    ...Object.entries(timings).map(([phase, ms]) => ({ metric: `build: ${phase} (CPU ms)`, value: ms })),
    { metric: 'serial build total (CPU ms)', value: buildCpuMs },
    { metric: 'serial build total (wall ms)', value: buildMs },
    { metric: 'SHA-256 floor for the same calls, one thread (CPU ms)', value: shaFloorMs },
    { metric: 'serial build CPU / SHA-256 floor', value: `${(buildCpuMs / shaFloorMs).toFixed(2)}×` },
    { metric: `parallel build, ${workers} workers (wall ms)`, value: parallelMs },
    { metric: 'parallel build, all threads (CPU ms)', value: parallelCpuMs },
    ...Object.entries(parallelTimings).map(([phase, ms]) => ({ metric: `parallel: ${phase} (wall ms)`, value: ms })),
    { metric: 'load average (1 min) during the run', value: loadavg()[0] },
    { metric: 'RSS growth during the parallel build (MB)', value: (rssAfter - rssBefore) / 1e6 },
    { metric: 'peak RSS after the parallel build (MB, maxRSS)', value: peakRss },
    { metric: 'proof size (bytes of JSON, mean)', value: Math.round(texts.reduce((s, t) => s + t.length, 0) / sample) },
    { metric: 'proof extraction (ms per proof)', value: proofMs },
    { metric: 'verify, @noble/hashes (ms per proof)', value: verifyMs },
  ]);
}

/** Deterministic pseudo-random balances (xorshift), some zero, some large. */
function generateUsers(n: number): UserBalances[] {
  let x = 0x9e3779b9;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  return Array.from({ length: n }, (_, i) => ({
    userId: `user-${i.toString().padStart(8, '0')}`,
    balances: {
      BTC: BigInt(next() % 100_000_000),
      ETH: BigInt(next()) * 1_000_000_000n,
      USDC: next() % 4 === 0 ? 0n : BigInt(next()),
    },
  }));
}

/** Raw SHA-256 calls per second for the build's message sizes, and the ways to call it. */
function measureHashes(): { size: number; rate: number; row: Record<string, string | number> }[] {
  const sizes = [
    [100, 'nonce'],
    [87, 'commitment'],
    [130, 'leaf (3 assets)'],
    [258, 'inner node (3 assets)'],
  ] as const;
  const calls = 300_000;
  // Calls per CPU second, like the build phases.
  const rate = (fn: () => void, n: number) => {
    for (let i = 0; i < 10_000; i++) fn();
    const t = process.cpuUsage();
    for (let i = 0; i < n; i++) fn();
    const used = process.cpuUsage(t);
    return n / ((used.user + used.system) / 1e6);
  };
  return sizes.map(([size, what]) => {
    const msg = Buffer.alloc(size, 7);
    const out = Buffer.alloc(32);
    const latin1 = rate(() => out.write(oneShot('sha256', msg, 'binary'), 0, 'binary'), calls);
    const buffer = rate(() => (oneShot('sha256', msg, 'buffer') as unknown as Buffer).copy(out), calls);
    const stream = rate(() => createHash('sha256').update(msg).digest().copy(out), calls);
    const noble = rate(() => out.set(nobleSha256(msg)), calls / 3);
    return {
      size,
      rate: latin1,
      row: {
        'message (bytes)': `${size} (${what})`,
        'crypto.hash → latin1 (/s, used)': Math.round(latin1),
        'crypto.hash → Buffer (/s)': Math.round(buffer),
        'createHash (/s)': Math.round(stream),
        '@noble/hashes (/s)': Math.round(noble),
      },
    };
  });
}
