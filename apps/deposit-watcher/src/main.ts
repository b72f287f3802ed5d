import 'reflect-metadata';
import { ensureFirstAdminKey } from '@strongroom/api-auth';
import { defaultDataDir, type Database } from '@strongroom/persistence';
import { depositWatcherEnv, loadConfigOrExit } from '@strongroom/shared-config';
import { API_INFO, DATABASE, startHttpApp } from '@strongroom/shared-http';
import { DepositWatcherAppModule } from './app.module';
import { loadWatcherConfig } from './watcher-config';

/**
 * The deposit watcher on DEPOSITS_PORT (default 7002): PostgreSQL when DATABASE_URL is set, else
 * PGlite under STRONGROOM_DATA_DIR (./data). Follows Bitcoin when BITCOIN_RPC_URL is set and
 * Ethereum when ETHEREUM_RPC_URL is set; with neither it serves the API only. Webhooks go to the
 * endpoints the clients register at /v1/webhooks/endpoints.
 */
async function main(): Promise<void> {
  loadConfigOrExit(depositWatcherEnv); // before anything with an effect (exit 2)
  const config = loadWatcherConfig();
  const { app, url } = await startHttpApp(
    DepositWatcherAppModule.forRoot(
      {
        options: {
          databaseUrl: config.databaseUrl,
          dataDir: config.databaseUrl ? undefined : defaultDataDir(),
          migrate: true,
          applicationName: 'strongroom-deposit-watcher',
        },
      },
      config,
    ),
    {
      ...API_INFO.deposits,
      port: config.port,
      host: config.host,
    },
  );
  const first = await ensureFirstAdminKey(app.get<Database>(DATABASE));
  if (first) console.log(`first admin API key (shown once): keyId=${first.keyId} secret=${first.secret}`);
  const chains = config.adapters.map((a) => `${a.chain} (${a.network})`).join(', ') || 'none: API only';
  console.log(`deposit watcher API: ${url}  (OpenAPI: ${url}/docs)  following: ${chains}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
