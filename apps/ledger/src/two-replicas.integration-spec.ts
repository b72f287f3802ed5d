import type { INestApplication } from '@nestjs/common';
import { AssetRegistry } from '@strongroom/shared-assets';
import { startHttpApp, API_INFO } from '@strongroom/shared-http';
import { openTestDatabase, type TestDatabase } from '@strongroom/testing';
import { ledgerAppContexts, LedgerAppModule } from './app.module';

const EVERY_MS = 1_000;
const SLOTS = 4;

// PGlite is one process's database (its data-directory lock), so two ledger replicas on one
// database exist only on PostgreSQL; without DATABASE_URL this spec is skipped.
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

// Two running ledger apps (each its own Nest app, HTTP server and pool) on one PostgreSQL
// database, both scheduling snapshot + reconciliation every second: each slot runs once.
onPostgres('two ledger replicas with reconciliation scheduled [postgres]', () => {
  let tdb: TestDatabase;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    tdb = await openTestDatabase('postgres', { contexts: ledgerAppContexts });
    for (let i = 0; i < 2; i++) {
      const { app } = await startHttpApp(
        LedgerAppModule.forRoot(
          { options: { databaseUrl: tdb.url, migrate: false, applicationName: `ledger-replica-${i}` } },
          // No chains or prices configured: the snapshot covers the ledger alone.
          { reconcileEveryMs: EVERY_MS, env: {}, assets: new AssetRegistry() },
        ),
        { ...API_INFO.ledger, port: 0, shutdownHooks: false },
      );
      apps.push(app);
    }
  });
  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await tdb?.close();
  });

  const count = async (sql: string): Promise<number> => Number((await tdb.db.query<{ n: string }>(sql))[0].n);

  it('runs exactly one snapshot and reconciliation per slot', async () => {
    const claimed = `SELECT count(*)::text AS n FROM compliance.schedule_claims WHERE job = 'reconciliation'`;
    const deadline = Date.now() + 90_000;
    while ((await count(claimed)) < SLOTS) {
      if (Date.now() > deadline) throw new Error(`fewer than ${SLOTS} slots claimed in 90 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // Closing waits for a run in progress (it ends before the database closes), so counts are final.
    for (const app of apps.splice(0)) await app.close();
    const slots = await count(claimed);
    const snapshots = await count(
      `SELECT count(*)::text AS n FROM compliance.snapshots WHERE requested_by = 'system:scheduler'`,
    );
    const reconciled = await count(
      `SELECT count(DISTINCT r.snapshot_id)::text AS n FROM compliance.reconciliations r
         JOIN compliance.snapshots s ON s.id = r.snapshot_id WHERE s.requested_by = 'system:scheduler'`,
    );
    const runs = await count(`SELECT count(*)::text AS n FROM compliance.reconciliations`);
    expect(slots).toBeGreaterThanOrEqual(SLOTS);
    expect({ snapshots, reconciled, runs }).toEqual({ snapshots: slots, reconciled: slots, runs: slots });
  });
});
