import { z } from 'zod';
import { host, intAtLeast, logLevel, nonEmpty, oneOf, port, removed, url } from './env-fields';

/** Requests a minute per API key (per client IP on public routes) when RATE_LIMIT_PER_MINUTE is unset. */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 120_000;

/** What the HTTP platform of every app reads itself: 0 turns rate limiting off. */
export const platformEnv = z.object({
  RATE_LIMIT_PER_MINUTE: intAtLeast(0).default(DEFAULT_RATE_LIMIT_PER_MINUTE),
  /** Redis for the rate-limit counters, so replicas share one limit (unset: each process counts alone). */
  RATE_LIMIT_REDIS_URL: url('redis', 'rediss').optional(),
  /** PostgreSQL: how long a key snapshot may serve the auth guard while its change listener is up (0: read per request). */
  AUTH_KEY_CACHE_MS: intAtLeast(0).optional(),
});

/** Webhook endpoints are managed through the API now, each with its own secret. */
const webhookEndpointsInstead = 'webhook endpoints are created with POST /v1/webhooks/endpoints (deposits API)';
const removedWebhookEnv = {
  WEBHOOK_URL: removed(webhookEndpointsInstead).optional(),
  WEBHOOK_SECRET: removed(webhookEndpointsInstead).optional(),
};

/** What every app reads: logging, the database, the chains' RPC endpoints. */
const common = {
  ...platformEnv.shape,
  LOG_LEVEL: logLevel().optional(),
  DATABASE_URL: url('postgres', 'postgresql').optional(),
  STRONGROOM_DATA_DIR: nonEmpty().optional(),
  BITCOIN_RPC_URL: url('http', 'https').optional(),
  BITCOIN_NETWORK: oneOf(['mainnet', 'testnet', 'regtest'] as const).optional(),
  ETHEREUM_RPC_URL: url('http', 'https').optional(),
};

/** apps/ledger. Its compliance ports read the chains and prices named here. */
export const ledgerEnv = z.object({
  ...common,
  LEDGER_PORT: port().default(7001),
  LEDGER_HOST: host().optional(),
  RECONCILE_EVERY_MS: intAtLeast(0).default(0),
  PRICES_URL: url('http', 'https').optional(),
  PRICES_FILE: nonEmpty().optional(),
});

/** apps/deposit-watcher (its chain and asset settings are checked further by watcher-config.ts). */
export const depositWatcherEnv = z.object({
  ...common,
  DEPOSITS_PORT: port().default(7002),
  DEPOSITS_HOST: host().optional(),
  ...removedWebhookEnv,
  POLL_MS: intAtLeast(50).optional(),
  BITCOIN_START_HEIGHT: intAtLeast(0).optional(),
  ETHEREUM_START_HEIGHT: intAtLeast(0).optional(),
});

/** apps/withdrawal-signer. */
export const withdrawalSignerEnv = z.object({
  ...common,
  WITHDRAWALS_PORT: port().default(7003),
  WITHDRAWALS_HOST: host().optional(),
  KMS_ENDPOINT: url('http', 'https').optional(),
  AWS_REGION: nonEmpty().optional(),
  // Refused rather than ignored, so a deployment that still sets it learns where the Safe lives now.
  ETHEREUM_SAFE_ADDRESS: removed(
    'the custody Safe is recorded in the wallet directory (strongroom keys safe <wallet> <address>)',
  ).optional(),
  WITHDRAWAL_WORKERS: oneOf(['0', '1'] as const).optional(),
  WITHDRAWAL_BATCH_SIZE: intAtLeast(1).default(100),
  WITHDRAWAL_BATCH_AGE_MS: intAtLeast(0).default(10_000),
  BITCOIN_POLL_MS: intAtLeast(50).default(5000),
  ETHEREUM_SWEEP_INTERVAL_MS: intAtLeast(0).optional(),
});

/** apps/custody (the embedded default): custody-config.ts checks the rest; here what it did not. */
export const custodyEnv = z.object({
  ...platformEnv.shape,
  LOG_LEVEL: logLevel().optional(),
  LEDGER_PORT: port().optional(),
  DEPOSITS_PORT: port().optional(),
  WITHDRAWALS_PORT: port().optional(),
  ...removedWebhookEnv,
});

export type LedgerEnv = z.output<typeof ledgerEnv>;
export type DepositWatcherEnv = z.output<typeof depositWatcherEnv>;
export type WithdrawalSignerEnv = z.output<typeof withdrawalSignerEnv>;
