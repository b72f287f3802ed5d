import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApiKey, ensureClient, signedFetch, type ApiCredentials } from '@strongroom/api-auth';
import { EthereumAdapter } from '@strongroom/chains-ethereum';
import { CustodyWallets, DepositAddresses, DepositQueries, registerWatchOnlyWallet } from '@strongroom/deposits';
import { LedgerService } from '@strongroom/ledger';
import { openDatabase, type Database } from '@strongroom/persistence';
import { AssetRegistry } from '@strongroom/shared-assets';
import { openTestDatabase, testBackends, type TestDatabase } from '@strongroom/testing';
import { sigkill } from '@strongroom/local-services/child-process';
import { startAnvil, type Anvil } from '@strongroom/local-services/anvil';
import { depositWatcherContexts } from './app.module';
import { startWatcher } from './testing/watcher-process';

/**
 * The deposit watcher as a real process, killed with SIGKILL while it credits a backlog of
 * deposits, then restarted: every deposit ends up credited exactly once, with one
 * `deposit.credited` event each, and the ledger balanced.
 */
const ETH = 10n ** 18n;
const USERS = 30;
const KILL_AFTER_MS = [100, 700, 1500];

let anvil: Anvil;
beforeAll(async () => {
  anvil = await startAnvil();
});
afterAll(async () => {
  await anvil?.stop();
});

// One back end per run (each watcher start costs seconds): PostgreSQL when DATABASE_URL is set.
for (const backend of testBackends().slice(-1)) {
  describe(`deposit watcher killed with SIGKILL mid-backlog [${backend}]`, () => {
    let pgTest: TestDatabase | undefined;
    let dataDir: string | undefined;
    let env: Record<string, string>;
    let key: ApiCredentials;
    const assets = new AssetRegistry().withAssets([{ code: 'ETH', confirmations: 2 }]);
    const deposits: { user: string; txid: string; amount: bigint }[] = [];

    /** The database as the test sees it between watcher runs (PGlite allows one process at a time). */
    const withDb = async <T>(fn: (db: Database) => Promise<T>): Promise<T> => {
      if (pgTest) return fn(pgTest.db);
      const db = await openDatabase({ dataDir, contexts: depositWatcherContexts });
      try {
        return await fn(db);
      } finally {
        await db.close();
      }
    };

    beforeAll(async () => {
      if (backend === 'postgres') pgTest = await openTestDatabase('postgres', { contexts: depositWatcherContexts });
      else dataDir = mkdtempSync(path.join(tmpdir(), 'sr-watcher-'));
      const start = (await anvil.height()) + 1;
      const adapter = new EthereumAdapter({
        rpcUrl: anvil.rpcUrl,
        network: 'anvil',
        chainId: anvil.chainId,
        tokens: [],
      });
      const addresses = await withDb(async (db) => {
        await ensureClient(db, { id: 'kill', name: 'kill', custody: 'pooled' });
        key = await createApiKey(db, { name: 'backend', role: 'backend', clients: ['kill'] });
        const wallets = new CustodyWallets(db);
        await registerWatchOnlyWallet(wallets, `eth-${backend}`, 'ethereum');
        const issuer = new DepositAddresses(db, wallets, assets, [adapter], new LedgerService(db));
        const out: string[] = [];
        for (let i = 0; i < USERS; i++)
          out.push((await issuer.issue({ clientId: 'kill', userId: `u${i}`, asset: 'ETH' })).address.address);
        return out;
      });
      adapter.close();
      // The backlog: one block per deposit, then enough blocks to confirm the last one.
      for (let i = 0; i < USERS; i++) {
        const amount = ETH / 1000n + BigInt(i);
        deposits.push({ user: `u${i}`, txid: await anvil.sendEth(addresses[i], amount), amount });
      }
      await anvil.mine(2);
      env = {
        ETHEREUM_RPC_URL: anvil.rpcUrl,
        ETHEREUM_START_HEIGHT: String(start),
        ASSET_CONFIRMATIONS: 'ETH:2',
        ...(pgTest?.url ? { DATABASE_URL: pgTest.url } : { STRONGROOM_DATA_DIR: dataDir as string, DATABASE_URL: '' }),
      };
    });
    afterAll(async () => {
      await pgTest?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('credits every deposit exactly once across kills and restarts', async () => {
      // PGlite restarts cost ~5 s each (WASM start, data directory load): two kills there.
      for (const delay of backend === 'pglite' ? KILL_AFTER_MS.slice(1) : KILL_AFTER_MS) {
        const { child } = await startWatcher(env);
        await new Promise((r) => setTimeout(r, delay));
        await sigkill(child);
      }
      const { child, url } = await startWatcher(env);
      try {
        // Wait until the restarted watcher has credited the whole backlog (the jest timeout bounds it).
        for (;;) {
          const res = await signedFetch(url, key, 'GET', '/v1/deposits?clientId=kill&state=credited&limit=500');
          if (((await res.json()) as { data: unknown[] }).data.length === USERS) break;
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        await sigkill(child);
      }
      await withDb(async (db) => {
        const ledger = new LedgerService(db);
        const rows = await new DepositQueries(db, assets).deposits({ clientId: 'kill', limit: 500 });
        expect(rows.map((d) => [d.userId, d.txid, d.amount, d.state, d.credits])).toEqual(
          deposits.map((d) => [d.user, d.txid, d.amount, 'credited', 1]),
        );
        for (const d of deposits) {
          const acct = await ledger.findAccount({ clientId: 'kill', ownerId: d.user, asset: 'ETH', kind: 'user' });
          const b = await ledger.balances(acct!.id);
          expect(b.creditsPosted - b.debitsPosted).toBe(d.amount);
        }
        const credited = await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM events.outbox WHERE type = 'deposit.credited' AND subject LIKE 'deposit:ethereum:%'`,
        );
        expect(Number(credited[0].n)).toBe(USERS);
        expect((await ledger.checkInvariants()).ok).toBe(true);
      });
    });
  });
}
