import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { createApiKey, ensureClient, signRequest, type ApiCredentials } from '@strongroom/api-auth';
import { ledgerContext, LedgerService, type TransferInput } from '@strongroom/ledger';
import { openDatabase, type Database } from '@strongroom/persistence';
import { openTestDatabase } from '@strongroom/testing';
import { percentile, printTable } from '../table';

/**
 * `npm run bench -- ledger [--quick] [--backend=postgres|pglite]`: transfers/s and latency of the
 * ledger, in process and over HTTP (the ledger app in its own process, loaded by autocannon),
 * single and batched, on PostgreSQL (a fresh database on DATABASE_URL's server) and on PGlite (a
 * fresh data directory). Workload in process: half deposits (custody wallet → user, the hot
 * account) and half user → user moves (a constrained debit, so a locked account), 1 base unit
 * each, over 1,000 funded users; the "hot account" rows debit the custody wallet in every
 * transfer. Batch rows show their rate as a share of the same run's plain 1,000-row insert rate.
 * Over HTTP only user → user moves: no API key may move value out of a system account.
 */
const ROOT = path.resolve(__dirname, '../../../..');
const CONTEXTS = [ledgerContext];
const USERS = 1000;

type Row = Record<string, string | number>;

interface Fixture {
  custody: string;
  users: string[];
}

let seq = 0;
const runId = Date.now().toString(36);
/** Every transfer from the one custody account (a deposit to a user). */
function nextDeposit(f: Fixture): TransferInput {
  const i = ++seq;
  return { id: `b-${runId}-${i}`, debitAccountId: f.custody, creditAccountId: f.users[i % USERS], amount: 1n };
}
function nextTransfer(f: Fixture): TransferInput {
  const i = ++seq;
  const u = f.users[i % USERS];
  return i % 2 === 0
    ? { id: `b-${runId}-${i}`, debitAccountId: f.custody, creditAccountId: u, amount: 1n, code: 'deposit' }
    : { id: `b-${runId}-${i}`, debitAccountId: u, creditAccountId: f.users[(i * 7 + 1) % USERS], amount: 1n };
}
/** What an API key may send: user → user moves only. */
function nextUserTransfer(f: Fixture): TransferInput {
  const i = ++seq;
  return {
    id: `b-${runId}-${i}`,
    debitAccountId: f.users[i % USERS],
    creditAccountId: f.users[(i * 7 + 1) % USERS],
    amount: 1n,
  };
}
const json = (t: TransferInput) => ({ ...t, amount: t.amount?.toString() });

async function setup(db: Database): Promise<{ fixture: Fixture; creds: ApiCredentials }> {
  const ledger = new LedgerService(db);
  const custody = (await ledger.openAccount({ clientId: 'operator', ownerId: 'hot', asset: 'BTC', kind: 'custody' }))
    .id;
  const users: string[] = [];
  for (let i = 0; i < USERS; i++)
    users.push((await ledger.openAccount({ clientId: 'bench', ownerId: `u${i}`, asset: 'BTC', kind: 'user' })).id);
  await ledger.createTransfers(
    users.map((u) => ({ id: `fund-${runId}-${u}`, debitAccountId: custody, creditAccountId: u, amount: 10n ** 15n })),
  );
  await ensureClient(db, { id: 'bench', name: 'bench', custody: 'pooled' });
  const creds = await createApiKey(db, { name: 'bench', role: 'backend', clients: ['bench'] });
  return { fixture: { custody, users }, creds };
}

/** `clients` loops each sending `count / clients` calls of `fn`; per-call latencies. */
async function drive(count: number, clients: number, fn: () => Promise<unknown>) {
  const lat: number[] = [];
  let left = count;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (left-- > 0) {
        const t = performance.now();
        await fn();
        lat.push(performance.now() - t);
      }
    }),
  );
  return { seconds: (performance.now() - start) / 1000, lat };
}

/**
 * The machine's own ceiling at the moment of the run, for reading the ledger rows against: a bare
 * round trip, and 1,000-row inserts of a ledger-sized row into a table with a primary key only.
 */
async function baseline(backend: string, db: Database, scale: number): Promise<{ rows: Row[]; insertRate: number }> {
  await db.query(
    'CREATE TABLE IF NOT EXISTS public.bench_baseline (id text PRIMARY KEY, a uuid, b uuid, amount numeric(78,0), meta jsonb)',
  );
  const rt = await drive(Math.round(300 * scale), 1, () => db.query('SELECT 1'));
  let n = 0;
  const batches = Math.max(5, Math.round(20 * scale));
  const ins = await drive(batches, 1, () =>
    db.transaction((tx) =>
      tx.query(
        `INSERT INTO public.bench_baseline SELECT 'r' || ($1::int * 1000 + g), gen_random_uuid(), gen_random_uuid(), g, '{}'::jsonb FROM generate_series(1, 1000) g`,
        [n++],
      ),
    ),
  );
  const row = (mode: string, rate: string, lat: number[]): Row => ({
    backend,
    transport: 'in-process',
    mode,
    batch: '-',
    clients: 1,
    'transfers/s': rate,
    'of insert': '-',
    'p50 ms': percentile(lat, 50),
    'p99 ms': percentile(lat, 99),
  });
  const insertRate = Math.round((batches * 1000) / ins.seconds);
  return {
    insertRate,
    rows: [
      row('baseline: SELECT 1 round trip', '-', rt.lat),
      row('baseline: INSERT 1,000 plain rows/tx', `(${insertRate.toLocaleString('en-US')} rows/s)`, ins.lat),
    ],
  };
}

// Long because it is the table of in-process rows, one drive per row, read top to bottom.
async function inProcess(backend: string, db: Database, f: Fixture, scale: number, insertRate: number): Promise<Row[]> {
  const ledger = new LedgerService(db);
  const rows: Row[] = [];
  const row = (
    mode: string,
    batch: number,
    clients: number,
    transfers: number,
    r: { seconds: number; lat: number[] },
  ) =>
    rows.push({
      backend,
      transport: 'in-process',
      mode,
      batch,
      clients,
      'transfers/s': Math.round(transfers / r.seconds),
      'of insert': mode.includes('single') ? '-' : `${Math.round((100 * transfers) / r.seconds / insertRate)} %`,
      'p50 ms': percentile(r.lat, 50),
      'p99 ms': percentile(r.lat, 99),
    });
  const expectOk = (r: { ok: boolean }[]) => {
    if (!r.every((x) => x.ok)) throw new Error(`bench transfer refused: ${JSON.stringify(r.find((x) => !x.ok))}`);
  };
  // Warm up (JIT, caches, plans).
  await drive(200, 10, () => ledger.transfer(nextTransfer(f)));
  const singleSeq = Math.round(300 * scale);
  row('single', 1, 1, singleSeq, await drive(singleSeq, 1, () => ledger.transfer(nextTransfer(f))));
  const singleConc = Math.round(5000 * scale);
  row('single (group commit)', 1, 50, singleConc, await drive(singleConc, 50, () => ledger.transfer(nextTransfer(f))));
  for (const [mode, next, size, clients, batches] of [
    ['batch', nextTransfer, 1, 1, Math.round(300 * scale)],
    ['batch', nextTransfer, 100, 1, Math.round(60 * scale)],
    ['batch', nextTransfer, 100, 4, Math.round(120 * scale)],
    ['batch', nextTransfer, 1000, 1, Math.max(5, Math.round(20 * scale))],
    ['batch, hot account', nextDeposit, 100, 4, Math.round(120 * scale)],
    ['batch, hot account', nextDeposit, 1000, 1, Math.max(5, Math.round(20 * scale))],
  ] as const) {
    row(
      mode,
      size,
      clients,
      size * batches,
      await drive(batches, clients, async () =>
        expectOk(await ledger.createTransfers(Array.from({ length: size }, () => next(f)))),
      ),
    );
  }
  return rows;
}

async function startApp(env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['tools/run.js', 'apps/ledger/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', LEDGER_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`ledger app exited with ${code}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const m = /ledger API: (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]);
    });
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function overHttp(
  backend: string,
  url: string,
  creds: ApiCredentials,
  f: Fixture,
  scale: number,
  modes?: string[],
): Promise<Row[]> {
  const rows: Row[] = [];
  const run = async (
    mode: string,
    p: string,
    size: number,
    connections: number,
    amount: number,
    method: 'POST' | 'GET' = 'POST',
  ) => {
    if (modes && mode !== 'warm-up' && !modes.includes(mode)) return;
    const started = performance.now();
    const result = await autocannon({
      url,
      connections,
      amount,
      requests: [
        {
          method,
          path: p,
          setupRequest: (req) => {
            if (method === 'GET') return { ...req, headers: p === '/health' ? {} : signRequest(creds, 'GET', p) };
            const body = JSON.stringify(
              size === 0
                ? json(nextUserTransfer(f))
                : { transfers: Array.from({ length: size }, () => json(nextUserTransfer(f))) },
            );
            return {
              ...req,
              body,
              headers: { 'content-type': 'application/json', ...signRequest(creds, 'POST', p, body) },
            };
          },
        },
      ],
    });
    const seconds = (performance.now() - started) / 1000;
    const bad = result.non2xx + result.errors + result.timeouts;
    if (bad > 0)
      console.log(
        `WARNING: ${backend} ${mode} (batch ${size}): ${bad} of ${result.requests.total} requests failed (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}; ${JSON.stringify(result.statusCodeStats)})`,
      );
    const per = Math.max(size, 1);
    rows.push({
      backend,
      transport: 'HTTP',
      mode,
      batch: method === 'GET' ? '-' : per,
      clients: connections,
      'transfers/s':
        method === 'GET'
          ? `(${Math.round(result.requests.total / seconds)} req/s)`
          : Math.round((result.requests.total / seconds) * per),
      'p50 ms': result.latency.p50,
      'p99 ms': result.latency.p99,
    });
  };
  await run('warm-up', '/v1/transfers', 0, 10, 300);
  rows.pop();
  await run('single', '/v1/transfers', 0, 1, Math.round(300 * scale));
  await run('single (group commit)', '/v1/transfers', 0, 50, Math.round(5000 * scale));
  await run('batch', '/v1/transfers/batch', 1, 1, Math.round(300 * scale));
  await run('batch', '/v1/transfers/batch', 100, 4, Math.round(60 * scale));
  await run('batch', '/v1/transfers/batch', 1000, 2, Math.max(6, Math.round(20 * scale)));
  // What bounds the single-transfer latency: the same server answering without the ledger.
  await run('floor: GET /health (no auth)', '/health', 0, 50, Math.round(3000 * scale), 'GET');
  await run('floor: signed GET account', `/v1/accounts/${f.users[0]}`, 0, 50, Math.round(3000 * scale), 'GET');
  return rows;
}

export async function run(args: string[]): Promise<void> {
  const loadBefore = loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  const rows: Row[] = [];
  const quick = args.includes('--quick');
  const only = /^--backend=(.*)$/.exec(args.find((a) => a.startsWith('--backend=')) ?? '')?.[1];
  if (only && only !== 'postgres' && only !== 'pglite')
    throw new Error(`--backend must be postgres or pglite, not ${only}`);
  if (only === 'pglite') {
    // PostgreSQL skipped on request.
  } else if (process.env.DATABASE_URL) {
    const scale = quick ? 0.2 : 1;
    const t = await openTestDatabase('postgres', { contexts: CONTEXTS });
    try {
      const { fixture, creds } = await setup(t.db);
      const base = await baseline('postgres', t.db, scale);
      rows.push(...base.rows);
      rows.push(...(await inProcess('postgres', t.db, fixture, scale, base.insertRate)));
      const app = await startApp({ DATABASE_URL: t.url ?? '' });
      try {
        rows.push(...(await overHttp('postgres', app.url, creds, fixture, scale)));
      } finally {
        await app.stop();
      }
      rows.push(...(await keyReadPerRequest(t.url ?? '', creds, fixture, scale)));
    } finally {
      await t.close();
    }
  } else {
    console.log('DATABASE_URL is not set: PostgreSQL skipped.');
  }
  if (only !== 'postgres') await pglite(rows, quick);
  printTable(rows);
  console.log(
    `\nload average (1/5/15 min) before: ${loadBefore}; after: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}; cores: 2`,
  );
}

/** The same app with the auth guard's key cache off: what a signed request cost before it. */
async function keyReadPerRequest(url: string, creds: ApiCredentials, f: Fixture, scale: number): Promise<Row[]> {
  const app = await startApp({ DATABASE_URL: url, AUTH_KEY_CACHE_MS: '0' });
  try {
    const rows = await overHttp('postgres', app.url, creds, f, scale, [
      'single (group commit)',
      'floor: signed GET account',
    ]);
    return rows.map((r) => ({ ...r, mode: `${r.mode}, key read per request (AUTH_KEY_CACHE_MS=0)` }));
  } finally {
    await app.stop();
  }
}

async function pglite(rows: Row[], quick: boolean): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ledger-bench-'));
  try {
    const scale = quick ? 0.1 : 0.4;
    const db = await openDatabase({ dataDir: dir, contexts: CONTEXTS });
    const { fixture, creds } = await setup(db);
    const base = await baseline('pglite', db, scale);
    rows.push(...base.rows);
    rows.push(...(await inProcess('pglite', db, fixture, scale, base.insertRate)));
    await db.close();
    const app = await startApp({ STRONGROOM_DATA_DIR: dir, DATABASE_URL: '' });
    try {
      rows.push(...(await overHttp('pglite', app.url, creds, fixture, scale)));
    } finally {
      await app.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
