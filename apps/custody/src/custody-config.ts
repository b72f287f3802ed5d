import path from 'node:path';
import { z } from 'zod';
import { AssetRegistry, parseAssetAmounts } from '@strongroom/shared-assets';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** Webhook endpoints are managed through the API, each with its own secret: the old variables are refused, not ignored. */
const noLongerRead = z
  .string()
  .optional()
  .refine((v) => v === undefined, 'is no longer read: webhook endpoints are created with POST /v1/webhooks/endpoints');

/** The embedded default's environment, checked before anything starts so a typo fails loudly. */
const envSchema = z.object({
  STRONGROOM_DATA_DIR: z.string().min(1).default('data'),
  LEDGER_PORT: port(7001),
  DEPOSITS_PORT: port(7002),
  WITHDRAWALS_PORT: port(7003),
  /** `BTC:2,ETH:2`: confirmations before a deposit is credited and a withdrawal settles (dev chains: few). */
  ASSET_CONFIRMATIONS: z.string().default('BTC:2,ETH:2'),
  WEBHOOK_URL: noLongerRead,
  WEBHOOK_SECRET: noLongerRead,
  /** kms-local's key-file encryption secret; default: a random one generated on first start and kept in the data dir. */
  KMS_LOCAL_SECRET: z.string().min(8).optional(),
  /** Batches close after this long (ms) when not full. */
  WITHDRAWAL_BATCH_AGE_MS: z.coerce.number().int().min(0).default(2_000),
  /** `ETH:0.01`: a deposit address holding at least this much is swept into the custody Safe. */
  SWEEP_THRESHOLDS: z.string().default('ETH:0.01'),
  /** How often deposit addresses are checked for sweeping (ms). */
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).default(3_000),
  /** Deposit follower poll interval once caught up (ms). */
  POLL_MS: z.coerce.number().int().min(50).default(500),
  /** Take a compliance snapshot + reconciliation this often (ms, 0 = only on demand). */
  RECONCILE_EVERY_MS: z.coerce.number().int().min(0).default(0),
  /** Prices for snapshot valuation (`{ "quote": "USD", "prices": { "BTC": "…" } }`), read at each snapshot. */
  PRICES_FILE: z
    .string()
    .min(1)
    .default(path.join(__dirname, '..', 'prices.json')),
});

export interface CustodyConfig {
  dataDir: string;
  ports: { ledger: number; deposits: number; withdrawals: number };
  assets: AssetRegistry;
  kmsLocalSecret?: string;
  batchMaxAgeMs: number;
  sweep: { thresholds: Record<string, bigint>; intervalMs: number };
  pollMs: number;
  reconcileEveryMs: number;
  pricesFile: string;
}

export function loadCustodyConfig(env: NodeJS.ProcessEnv = process.env): CustodyConfig {
  if (env.DATABASE_URL) {
    throw new Error(
      'the custody app is the embedded default (PGlite under STRONGROOM_DATA_DIR); unset DATABASE_URL, or run apps/ledger, apps/deposit-watcher and apps/withdrawal-signer against PostgreSQL',
    );
  }
  const parsed = envSchema.safeParse(env);
  if (!parsed.success)
    throw new Error(`configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = parsed.data;
  const overrides = e.ASSET_CONFIRMATIONS.split(',')
    .filter((p) => p.trim())
    .map((p) => {
      const [code, n] = p.split(':').map((s) => s.trim());
      if (!code || !/^\d+$/.test(n ?? '') || Number(n) < 1)
        throw new Error(`configuration: ASSET_CONFIRMATIONS: "${p}" is not ASSET:N (N >= 1)`);
      return { code, confirmations: Number(n) };
    });
  // USDC has no contract on the local anvil chain: the embedded default serves BTC and ETH.
  const base = new AssetRegistry().withAssets(overrides);
  const assets = new AssetRegistry(base.all().filter((a) => a.code === 'BTC' || a.code === 'ETH'));
  return {
    dataDir: path.resolve(e.STRONGROOM_DATA_DIR),
    ports: { ledger: e.LEDGER_PORT, deposits: e.DEPOSITS_PORT, withdrawals: e.WITHDRAWALS_PORT },
    assets,
    kmsLocalSecret: e.KMS_LOCAL_SECRET,
    batchMaxAgeMs: e.WITHDRAWAL_BATCH_AGE_MS,
    sweep: {
      thresholds: parseAssetAmounts(e.SWEEP_THRESHOLDS, assets, 'configuration: SWEEP_THRESHOLDS'),
      intervalMs: e.SWEEP_INTERVAL_MS,
    },
    pollMs: e.POLL_MS,
    reconcileEveryMs: e.RECONCILE_EVERY_MS,
    pricesFile: path.resolve(e.PRICES_FILE),
  };
}
