import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAnvil, type Anvil } from '@strongroom/local-services/anvil';

/**
 * On PGlite the follower's leadership is a lease row renewed every step (30 s TTL). A watcher
 * killed with SIGKILL leaves its lease behind; the restarted watcher holds the data-directory
 * lock, which proves the old process is gone, so it takes the lease over at once instead of
 * waiting ~30 s for it to expire. A real process, a real SIGKILL.
 */
const ROOT = path.resolve(__dirname, '../../..');
const LEASE_TTL_MS = 30_000;

let anvil: Anvil;
let dataDir: string;
beforeAll(async () => {
  anvil = await startAnvil();
  dataDir = mkdtempSync(path.join(tmpdir(), 'sr-watcher-lease-'));
});
afterAll(async () => {
  await anvil?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function startWatcher(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['tools/run.js', 'apps/deposit-watcher/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, DEPOSITS_PORT: '0', LOG_LEVEL: 'warn', POLL_MS: '50' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /deposit watcher API: (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code, signal) =>
      reject(new Error(`watcher exited (${code ?? signal}) before listening:\n${out.slice(-3000)}`)),
    );
  });
}

function sigkill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Polls /metrics until the follower has applied `height`; returns how long that took. */
async function waitForHeight(url: string, height: number, limitMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const m = /strongroom_deposits_follower_height\{chain="ethereum"\} (\d+)/.exec(text);
    if (m && Number(m[1]) >= height) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the follower did not reach height ${height} within ${limitMs} ms`);
}

describe('deposit watcher on PGlite after a SIGKILL [pglite]', () => {
  it('leads again at once: the dead process’s lease is taken over, not waited out', async () => {
    const env = {
      ETHEREUM_RPC_URL: anvil.rpcUrl,
      ETHEREUM_START_HEIGHT: String(await anvil.height()),
      STRONGROOM_DATA_DIR: dataDir,
      DATABASE_URL: '',
    };
    await anvil.mine(1);
    const first = await startWatcher(env);
    try {
      // Leading and stepping every 50 ms: its lease has just been renewed for 30 s.
      await waitForHeight(first.url, await anvil.height(), 30_000);
    } finally {
      await sigkill(first.child);
    }
    const killedAt = Date.now();
    await anvil.mine(1);
    const target = await anvil.height();
    const second = await startWatcher(env);
    try {
      const restartMs = Date.now() - killedAt;
      const waited = await waitForHeight(second.url, target, LEASE_TTL_MS + 30_000);
      // Waiting out the lease would take until ~30 s after the kill; taken over, it is a few polls.
      expect(restartMs + waited).toBeLessThan(LEASE_TTL_MS - 5_000);
      expect(waited).toBeLessThan(5_000);
    } finally {
      await sigkill(second.child);
    }
  });
});
