import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAnvil, type Anvil } from '@strongroom/local-services/anvil';
import { sigkill } from '@strongroom/local-services/child-process';
import { startWatcher } from './testing/watcher-process';

/**
 * On PGlite the follower's leadership is a lease row renewed every step (30 s TTL). A watcher
 * killed with SIGKILL leaves its lease behind; the restarted watcher holds the data-directory
 * lock, which proves the old process is gone, so it takes the lease over at once instead of
 * waiting ~30 s for it to expire. A real process, a real SIGKILL.
 */
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
