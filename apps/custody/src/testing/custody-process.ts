// Test fixture (not part of the app): runs `npm start`'s entry point in a child process, as a
// user would, and reads what it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { signedFetch, type ApiCredentials } from '@strongroom/api-auth';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

export interface CustodyProcess {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr interleaved). */
  output(): string;
  urls: { ledger: string; deposits: string; withdrawals: string };
  /** The first admin key, when this start printed them. */
  admin: ApiCredentials | null;
  /** Every admin key this start printed (two, of distinct owners, on a first start). */
  admins: ApiCredentials[];
  call(
    who: ApiCredentials,
    api: keyof CustodyProcess['urls'],
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
  /** SIGTERM (or `signal`) and the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/** Starts the custody app on `dataDir` with ports 0; resolves once it printed "Ready.", rejects if it exits first. */
export async function startCustodyProcess(
  dataDir: string,
  env: Record<string, string> = {},
  readyTimeoutMs = 90_000,
): Promise<CustodyProcess> {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    STRONGROOM_DATA_DIR: dataDir,
    LEDGER_PORT: '0',
    DEPOSITS_PORT: '0',
    WITHDRAWALS_PORT: '0',
    LOG_LEVEL: 'warn',
    ...env,
  };
  // Under Jest the regtest harness would move bcoin to a worker thread; the app runs as `npm start` does.
  delete childEnv.JEST_WORKER_ID;
  delete childEnv.DATABASE_URL;
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'tools', 'run.js'), path.join(ROOT, 'apps', 'custody', 'src', 'main.ts')],
    { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`custody did not get ready in ${readyTimeoutMs} ms:\n${out.slice(-3000)}`)),
      readyTimeoutMs,
    );
    const check = () => {
      if (/^Ready\./m.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`custody exited with ${code} before it was ready:\n${out.slice(-3000)}`));
    });
  });

  const url = (name: string) => {
    const m = new RegExp(`^${name}\\s+API\\s+(http://127\\.0\\.0\\.1:\\d+)`, 'm').exec(out);
    if (!m) throw new Error(`no ${name} URL printed:\n${out}`);
    return m[1];
  };
  const urls = { ledger: url('ledger'), deposits: url('deposits'), withdrawals: url('withdrawals') };
  const keyIds = [...out.matchAll(/^\s+keyId:\s+(srk_\S+)$/gm)].map((m) => m[1]);
  const secrets = [...out.matchAll(/^\s+secret:\s+(srs_\S+)$/gm)].map((m) => m[1]);
  const admins = keyIds.map((keyId, i) => ({ keyId, secret: secrets[i] }));
  return {
    child,
    output: () => out,
    urls,
    admin: admins[0] ?? null,
    admins,
    call: (who, api, method, p, body, headers) => signedFetch(urls[api], who, method, p, body, { headers }),
    exited,
    async stop(signal = 'SIGTERM') {
      process.off('exit', killOnExit);
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls `probe` until it returns a value (not undefined), or throws after `timeoutMs` with the last state. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
