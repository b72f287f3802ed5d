import 'reflect-metadata';
import { ensureFirstAdminKey } from '@strongroom/api-auth';
import { ledgerEnv, loadConfigOrExit } from '@strongroom/shared-config';
import { defaultDataDir, type Database } from '@strongroom/persistence';
import { API_INFO, DATABASE, startHttpApp } from '@strongroom/shared-http';
import { LedgerAppModule } from './app.module';

/**
 * `npm run start:ledger`: the ledger API on LEDGER_PORT (default 7001), on PostgreSQL when
 * DATABASE_URL is set, else on PGlite under STRONGROOM_DATA_DIR (./data). Migrations run on start.
 * Compliance reads the chains named by BITCOIN_RPC_URL / ETHEREUM_RPC_URL and prices from PRICES_URL
 * or PRICES_FILE (see compliance-ports.ts); RECONCILE_EVERY_MS schedules snapshot + reconciliation.
 */
async function main(): Promise<void> {
  // The whole environment is checked before migrations or anything else with an effect (exit 2).
  const env = loadConfigOrExit(ledgerEnv);
  const databaseUrl = env.DATABASE_URL;
  const port = env.LEDGER_PORT;
  const { app, url } = await startHttpApp(
    LedgerAppModule.forRoot(
      {
        options: {
          databaseUrl,
          dataDir: databaseUrl ? undefined : defaultDataDir(),
          migrate: true,
          applicationName: 'strongroom-ledger',
        },
      },
      { reconcileEveryMs: env.RECONCILE_EVERY_MS },
    ),
    {
      ...API_INFO.ledger,
      port,
      host: env.LEDGER_HOST,
    },
  );
  const first = await ensureFirstAdminKey(app.get<Database>(DATABASE));
  if (first) console.log(`first admin API key (shown once): keyId=${first.keyId} secret=${first.secret}`);
  console.log(`ledger API: ${url}  (OpenAPI: ${url}/docs)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
