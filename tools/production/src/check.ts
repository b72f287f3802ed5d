import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startAnvil, type Anvil } from '@strongroom/local-services/anvil';
import { startBitcoinRegtest, type BitcoinRegtest } from '@strongroom/local-services/bitcoin-regtest';
import { copyContext } from './docker-context';
import { freePort, runLogged, startLogged, stop, waitFor200, type Started } from './processes';
import { lintCompose, checkAlertRules } from './static-checks';

/**
 * `npm run production-check` (CI): the image's build and start steps without a Docker engine.
 * Build stage: the Dockerfile's build context (.dockerignore applied) in a clean directory,
 * `npm run build` there (with the repository's dev install linked in place of `npm ci`, which the
 * dev install already is). Runtime stage, exactly as the Dockerfile: package.json + lockfile,
 * `npm ci --omit=dev`, the built dist/, the image's launcher. Then kms-local from that directory,
 * the dev chains from the dev install, `strongroom db migrate` and the key ceremonies against a
 * fresh PostgreSQL database, and each app started until /health/ready (or /health) answers 200 and
 * the image's HEALTHCHECK passes. Exits non-zero on any failure; stops what it started.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const PG = process.env.CI_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const BUILD_COPY = [
  'package.json',
  'package-lock.json',
  'tsconfig.base.json',
  'tsconfig.json',
  '.swcrc',
  'apps',
  'libs',
  'tools',
];
const RUNTIME_STEPS = [
  'COPY package.json package-lock.json ./',
  'RUN npm ci --omit=dev',
  'COPY --from=build /src/dist ./dist',
  'COPY docker/setup.sh ./docker/setup.sh',
  'USER node',
  'HEALTHCHECK',
  'ENTRYPOINT ["node", "dist/tools/production/src/launch.js"]',
];
const log = (line: string) => console.log(`production-check: ${line}`);

/** The steps below mirror docker/Dockerfile; fail if it changed under them. */
function dockerfileInStep(): void {
  const text = readFileSync(path.join(ROOT, 'docker/Dockerfile'), 'utf8');
  const missing = [...BUILD_COPY.filter((p) => !text.includes(p)), ...RUNTIME_STEPS.filter((s) => !text.includes(s))];
  if (missing.length)
    throw new Error(
      `docker/Dockerfile no longer has ${missing.join(', ')}: update tools/production/src/check.ts with it`,
    );
}

async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `strongroom_prodcheck_${Date.now()}_${process.pid}`;
  const admin = new Client({ connectionString: `${PG}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    return await fn(`${PG}/${name}`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  dockerfileInStep();
  await lintCompose(ROOT, log);
  await checkAlertRules(ROOT, log);
  const work = mkdtempSync(path.join(tmpdir(), 'strongroom-production-'));
  const logs = path.join(work, 'logs');
  mkdirSync(logs);
  const procs: Started[] = [];
  let bitcoin: BitcoinRegtest | undefined;
  let anvil: Anvil | undefined;
  let failed = true;
  try {
    const build = path.join(work, 'build');
    copyContext(ROOT, build, BUILD_COPY);
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(build, 'node_modules'));
    await runLogged('build', 'npm', ['run', 'build'], { cwd: build, env: process.env, logDir: logs });
    log(`build stage done (${secs(started)})`);

    const srv = path.join(work, 'srv');
    copyContext(ROOT, srv, ['package.json', 'package-lock.json']);
    await runLogged('npm-ci', 'npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: srv,
      env: { ...process.env, NODE_ENV: 'production' },
      logDir: logs,
    });
    cpSync(path.join(build, 'dist'), path.join(srv, 'dist'), { recursive: true });
    copyContext(ROOT, srv, ['docker/setup.sh']);
    log(`runtime stage done: npm ci --omit=dev + dist/ (${secs(started)})`);

    bitcoin = await startBitcoinRegtest({ port: 0 });
    anvil = await startAnvil();
    const env = await imageEnv(srv, logs, procs, bitcoin, anvil);
    await withDatabase(async (databaseUrl) => {
      const dbEnv = { ...env, DATABASE_URL: databaseUrl };
      // The compose stack's one-shot setup: migrations, key ceremonies, the first admin key to a file.
      const adminFile = path.join(srv, 'secrets', 'first-admin.json');
      mkdirSync(path.dirname(adminFile));
      const setupEnv = { ...dbEnv, STRONGROOM_HOME: srv, SETUP_DIR: srv, ADMIN_KEY_FILE: adminFile };
      const out = await runLogged('setup', 'sh', ['docker/setup.sh'], { cwd: srv, env: setupEnv, logDir: logs });
      const admin = JSON.parse(readFileSync(adminFile, 'utf8')) as { secret?: string };
      if (!admin.secret || out.includes(admin.secret))
        throw new Error('setup: the first admin key must be in ADMIN_KEY_FILE and never in the log');
      log(`setup (migrations, key ceremonies, custody Safe, admin key file) from the built output (${secs(started)})`);
      // The signer reads the Safe from the wallet directory, where the setup recorded it.
      if (!/custody Safe 0x[0-9a-fA-F]{40}/.test(out)) throw new Error('setup: no custody Safe deployed');
      await startApps(srv, dbEnv, logs, procs);
    });
    log(`OK in ${secs(started)}`);
    failed = false;
  } finally {
    const stopping = Date.now();
    await Promise.all(procs.map((p) => stop(p)));
    await bitcoin?.stop().catch(() => undefined);
    await anvil?.stop().catch(() => undefined);
    log(`stopped what it started (${secs(stopping)})`);
    if (failed) log(`logs kept in ${logs}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

/** kms-local from the built image, plus the chain endpoints, as compose hands them to the apps. */
async function imageEnv(
  srv: string,
  logs: string,
  procs: Started[],
  bitcoin: BitcoinRegtest,
  anvil: Anvil,
): Promise<NodeJS.ProcessEnv> {
  const kmsPort = await freePort();
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    NODE_BACKEND: 'js',
    LOG_LEVEL: 'info',
  };
  const kmsEnv = { ...base, KMS_LOCAL_SECRET: 'production-check-kms-secret' };
  const kms = startLogged(
    'kms-local',
    'node',
    [
      'dist/tools/production/src/launch.js',
      'kms-local',
      '--port',
      String(kmsPort),
      '--data-dir',
      path.join(srv, 'kms'),
    ],
    { cwd: srv, env: kmsEnv, logDir: logs },
  );
  procs.push(kms);
  await waitForLine(kms, /"endpoint"/, 20_000);
  return {
    ...base,
    KMS_ENDPOINT: `http://127.0.0.1:${kmsPort}`,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIAPRODUCTIONCHECK1',
    AWS_SECRET_ACCESS_KEY: 'production-check-secret-access-key',
    BITCOIN_RPC_URL: bitcoin.rpcUrl,
    BITCOIN_RPC_USER: bitcoin.rpcUser,
    BITCOIN_RPC_PASSWORD: bitcoin.rpcPassword,
    BITCOIN_NETWORK: 'regtest',
    ETHEREUM_RPC_URL: anvil.rpcUrl,
  };
}

async function startApps(srv: string, env: NodeJS.ProcessEnv, logs: string, procs: Started[]): Promise<void> {
  const apps = [
    { name: 'ledger', port: await freePort(), portVar: 'LEDGER_PORT', hostVar: 'LEDGER_HOST' },
    { name: 'deposit-watcher', port: await freePort(), portVar: 'DEPOSITS_PORT', hostVar: 'DEPOSITS_HOST' },
    { name: 'withdrawal-signer', port: await freePort(), portVar: 'WITHDRAWALS_PORT', hostVar: 'WITHDRAWALS_HOST' },
  ];
  // Started together, as compose does: migrations are already applied, and their lock makes a race harmless.
  const running = apps.map((a) => {
    const appEnv = { ...env, [a.portVar]: String(a.port), [a.hostVar]: '127.0.0.1' };
    const p = startLogged(a.name, 'node', ['dist/tools/production/src/launch.js', a.name], {
      cwd: srv,
      env: appEnv,
      logDir: logs,
    });
    procs.push(p);
    return { ...a, p, appEnv };
  });
  await Promise.all(
    running.map(async (a) => {
      const base = `http://127.0.0.1:${a.port}`;
      await waitFor200(`${base}/health`, a.p, 60_000);
      // Ready follows live: a following watcher is ready once its followers applied a block, as an
      // orchestrator's readiness probe waits for it.
      const ready = await waitForReady(`${base}/health/ready`, 60_000);
      if (ready.status !== 200 && ready.status !== 404)
        throw new Error(`${a.name}: /health/ready answered ${ready.status}: ${ready.body}`);
      // The image's HEALTHCHECK, with only this app's environment (it finds the port itself).
      await runLogged(`${a.name}-healthcheck`, 'node', ['dist/tools/production/src/healthcheck.js'], {
        cwd: srv,
        env: a.appEnv,
        logDir: logs,
      });
      log(`${a.name}: /health${ready.status === 200 ? ' and /health/ready' : ''} 200, HEALTHCHECK passes`);
    }),
  );
}

async function waitForReady(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(url);
    const answer = { status: res.status, body: await res.text() };
    if (answer.status !== 503 || Date.now() > deadline) return answer;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function waitForLine(p: Started, re: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (re.test(readFileSync(p.log, 'utf8'))) return;
    if (p.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${p.name} did not start:\n${readFileSync(p.log, 'utf8').slice(-2000)}`);
}

const secs = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`production-check: FAILED: ${(err as Error).message ?? String(err)}`);
    process.exit(1);
  },
);
