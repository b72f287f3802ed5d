import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { KmsKeyAdmin, KmsSigner, type KmsConfig } from '@strongroom/keys';
import { KmsLocalServer } from '@strongroom/kms-local';
import { percentile, printTable } from '../table';

const ROOT = path.resolve(__dirname, '../../../..');
const CREDENTIALS = { accessKeyId: 'AKIABENCH', secretAccessKey: 'bench' };

/** kms-local in its own process (default), so the server's ECDSA does not share the client's core. */
async function startServer(dataDir: string, inProcess: boolean): Promise<{ endpoint: string; stop(): Promise<void> }> {
  if (inProcess) {
    const server = await KmsLocalServer.start({ dataDir, secret: 'bench' });
    return { endpoint: server.endpoint, stop: () => server.close() };
  }
  const child: ChildProcess = spawn(
    process.execPath,
    ['tools/run.js', 'tools/kms-local/src/main.ts', '--port', '0', '--data-dir', dataDir],
    {
      cwd: ROOT,
      env: { ...process.env, KMS_LOCAL_SECRET: 'bench' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const stdout = child.stdout;
  if (!stdout) throw new Error('kms-local has no stdout');
  const first = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`kms-local exited with ${code}`)));
    createInterface({ input: stdout }).once('line', resolve);
  });
  const { endpoint } = JSON.parse(first) as { endpoint: string };
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function measure(signer: KmsSigner, keyId: string, count: number, inFlight: number) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < count) {
        const digest = randomBytes(32);
        const t = performance.now();
        await signer.signDigest(keyId, digest);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { seconds, perSecond: count / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/**
 * `npm run bench -- keys [--in-process] [--count=N]`: signatures per second through the AWS SDK
 * and kms-local over HTTP (KmsSigner: Sign, DER parse, low-S, recovery id, local verification),
 * one at a time and 16 in flight, with p50/p99 latency. No client-side rate limit.
 */
export async function run(args: string[]): Promise<void> {
  const inProcess = args.includes('--in-process');
  const count = Number(args.find((a) => a.startsWith('--count='))?.slice('--count='.length) ?? 2_000);
  if (!Number.isInteger(count) || count < 1) throw new Error('--count=N needs a positive integer');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kms-bench-'));
  const server = await startServer(dataDir, inProcess);
  const config: KmsConfig = {
    endpoint: server.endpoint,
    region: 'eu-west-1',
    credentials: CREDENTIALS,
    requestsPerSecond: Infinity,
  };
  const signer = new KmsSigner(config);
  try {
    const keyId = await new KmsKeyAdmin(signer.client).createSigningKey({ alias: 'alias/bench/signer' });
    await measure(signer, keyId, 200, 8); // warm up: JIT, keep-alive sockets, public key cache
    const rows: Record<string, string | number>[] = [];
    for (const inFlight of [1, 16]) {
      const r = await measure(signer, keyId, count, inFlight);
      rows.push({
        'kms-local': inProcess ? 'in process' : 'own process',
        'in flight': inFlight,
        signatures: count,
        'signatures/s': r.perSecond,
        'p50 ms': r.p50,
        'p99 ms': r.p99,
        'high-S normalised': `${((100 * signer.metrics.highSNormalised) / signer.metrics.signatures).toFixed(0)}%`,
      });
    }
    printTable(rows);
  } finally {
    signer.destroy();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
