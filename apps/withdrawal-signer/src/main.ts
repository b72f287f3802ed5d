import 'reflect-metadata';
import { ensureFirstAdminKey } from '@strongroom/api-auth';
import { kmsConfigFromEnv } from '@strongroom/keys';
import { defaultDataDir, type Database } from '@strongroom/persistence';
import { loadConfigOrExit, withdrawalSignerEnv } from '@strongroom/shared-config';
import { API_INFO, DATABASE, startHttpApp } from '@strongroom/shared-http';
import { WithdrawalSignerAppModule } from './app.module';
import { BitcoinAdapter } from '@strongroom/chains-bitcoin';
import { BitcoinUtxoFeed } from './bitcoin-utxo-feed';
import { chainAdaptersFromEnv } from './chain-adapters';
import { sweepFromEnv } from './sweep-config';

/**
 * The withdrawal signer on WITHDRAWALS_PORT (default 7003): PostgreSQL when DATABASE_URL is set,
 * else PGlite under STRONGROOM_DATA_DIR (./data); KMS from KMS_ENDPOINT/AWS_REGION; chains from
 * BITCOIN_RPC_URL / ETHEREUM_RPC_URL. Set WITHDRAWAL_WORKERS=0 to serve the API only. Ethereum
 * deposit addresses are swept when ETHEREUM_SWEEP_THRESHOLDS is set (see sweep-config.ts).
 */
async function main(): Promise<void> {
  // The whole environment is checked before migrations or anything else with an effect (exit 2).
  const env = loadConfigOrExit(withdrawalSignerEnv);
  const databaseUrl = env.DATABASE_URL;
  const port = env.WITHDRAWALS_PORT;
  const adapters = chainAdaptersFromEnv();
  const workers = process.env.WITHDRAWAL_WORKERS !== '0';
  const { app, url } = await startHttpApp(
    WithdrawalSignerAppModule.forRoot({
      database: databaseUrl ? { databaseUrl } : { dataDir: defaultDataDir() },
      kms: kmsConfigFromEnv({ AWS_REGION: 'eu-west-1', ...process.env }),
      adapters,
      pipeline: workers
        ? {
            chains: adapters.map((a) => ({
              chain: a.chain,
              batchMaxSize: env.WITHDRAWAL_BATCH_SIZE,
              batchMaxAgeMs: env.WITHDRAWAL_BATCH_AGE_MS,
              ...(a.chain === 'ethereum' ? sweepFromEnv(process.env) : {}),
            })),
          }
        : undefined,
    }),
    {
      ...API_INFO.withdrawals,
      port,
      host: env.WITHDRAWALS_HOST,
    },
  );
  const db = app.get<Database>(DATABASE);
  // On its own, nothing else feeds the Bitcoin adapter the blocks its custody UTXO set comes from.
  const bitcoin = adapters.find((a): a is BitcoinAdapter => a instanceof BitcoinAdapter);
  if (bitcoin && workers) {
    const scratch = () => chainAdaptersFromEnv({ ...process.env, ETHEREUM_RPC_URL: '' })[0] as BitcoinAdapter;
    new BitcoinUtxoFeed(db, bitcoin, scratch, env.BITCOIN_POLL_MS).start();
  }
  const first = await ensureFirstAdminKey(db);
  if (first) console.log(`first admin API key (shown once): keyId=${first.keyId} secret=${first.secret}`);
  console.log(
    `withdrawal signer API: ${url}  (OpenAPI: ${url}/docs); chains: ${adapters.map((a) => a.chain).join(', ') || 'none configured'}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
