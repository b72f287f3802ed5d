import { z } from 'zod';
import type { ChainAdapter } from '@strongroom/chains-core';
import { BitcoinAdapter } from '@strongroom/chains-bitcoin';
import { EthereumAdapter } from '@strongroom/chains-ethereum';
import { AssetRegistry, tokenContracts, withTokenContracts, type AssetInfo } from '@strongroom/shared-assets';
import type { ChainId } from '@strongroom/shared-types';

const optionalUrl = z.url().optional();
const optionalInt = z.coerce.number().int().min(0).optional();

/** The deposit watcher's environment, checked at start so a typo fails loudly, not later. */
const envSchema = z.object({
  DATABASE_URL: z.string().min(1).optional(),
  DEPOSITS_PORT: z.coerce.number().int().min(0).max(65535).default(7002),
  DEPOSITS_HOST: z.string().optional(),
  BITCOIN_RPC_URL: optionalUrl,
  BITCOIN_RPC_USER: z.string().optional(),
  BITCOIN_RPC_PASSWORD: z.string().optional(),
  BITCOIN_NETWORK: z.enum(['mainnet', 'testnet', 'regtest']).default('regtest'),
  BITCOIN_START_HEIGHT: optionalInt,
  ETHEREUM_RPC_URL: optionalUrl,
  ETHEREUM_NETWORK: z.string().default('anvil'),
  ETHEREUM_CHAIN_ID: z.coerce.bigint().default(31337n),
  ETHEREUM_START_HEIGHT: optionalInt,
  /** `USDC:0xA0b8…`: ERC-20 contracts on ETHEREUM_NETWORK, set on the registry's tokens (unknown assets are refused). */
  ETHEREUM_TOKENS: z.string().optional(),
  /** ETH paid to deposit addresses by internal calls, read from traces: `parityTrace` (trace_block), `callTracer` (debug_traceBlockByHash) or `off`; default: on for dev chains, off elsewhere. */
  ETHEREUM_INTERNAL_TRANSFERS: z.enum(['off', 'callTracer', 'parityTrace']).optional(),
  /** `BTC:1,ETH:2`: override confirmations (dev chains). */
  ASSET_CONFIRMATIONS: z.string().optional(),
  FOLLOW: z.enum(['true', 'false']).default('true'),
  POLL_MS: z.coerce.number().int().min(50).default(2000),
  /** A seen deposit whose transaction is neither in the mempool nor on chain this long is dropped (default 24 h; 10 min on regtest/anvil). */
  DEPOSITS_DROP_MISSING_AFTER_MS: z.coerce.number().int().min(1000).optional(),
});

export interface WatcherConfig {
  databaseUrl?: string;
  port: number;
  host?: string;
  assets: AssetRegistry;
  adapters: ChainAdapter[];
  startHeights: Partial<Record<ChainId, number>>;
  follow: boolean;
  pollMs: number;
  /** Undefined: the follower's default for the network. */
  dropMissingAfterMs?: number;
}

function pairs(spec: string | undefined, name: string): [string, string][] {
  if (!spec) return [];
  return spec.split(',').map((p) => {
    const [k, v] = p.split(':').map((s) => s.trim());
    if (!k || !v) throw new Error(`${name}: "${p}" is not KEY:VALUE`);
    return [k, v];
  });
}

export function loadWatcherConfig(env: NodeJS.ProcessEnv = process.env): WatcherConfig {
  // An empty variable means unset (shells and compose files often export KEY= ).
  const parsed = envSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    throw new Error(
      `deposit watcher configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const e = parsed.data;
  const overrides: Partial<AssetInfo>[] = pairs(e.ASSET_CONFIRMATIONS, 'ASSET_CONFIRMATIONS').map(([code, n]) => ({
    code,
    confirmations: Number(n),
  }));
  const assets = withTokenContracts(
    new AssetRegistry().withAssets(overrides),
    'ethereum',
    e.ETHEREUM_NETWORK,
    e.ETHEREUM_TOKENS,
    'ETHEREUM_TOKENS',
  );

  const adapters: ChainAdapter[] = [];
  if (e.BITCOIN_RPC_URL) {
    adapters.push(
      new BitcoinAdapter({
        network: e.BITCOIN_NETWORK,
        rpcUrl: e.BITCOIN_RPC_URL,
        rpcUser: e.BITCOIN_RPC_USER,
        rpcPassword: e.BITCOIN_RPC_PASSWORD,
        // The watcher never builds withdrawals; the fee policy is required by the adapter's type only.
        feeRate: { min: 1, max: 500, default: 10 },
      }),
    );
  }
  if (e.ETHEREUM_RPC_URL) {
    adapters.push(
      new EthereumAdapter({
        rpcUrl: e.ETHEREUM_RPC_URL,
        network: e.ETHEREUM_NETWORK,
        chainId: e.ETHEREUM_CHAIN_ID,
        tokens: tokenContracts(assets, 'ethereum', e.ETHEREUM_NETWORK),
        ...(e.ETHEREUM_INTERNAL_TRANSFERS ? { internalTransfers: e.ETHEREUM_INTERNAL_TRANSFERS } : {}),
      }),
    );
  }
  return {
    databaseUrl: e.DATABASE_URL,
    port: e.DEPOSITS_PORT,
    host: e.DEPOSITS_HOST,
    assets,
    adapters,
    startHeights: {
      ...(e.BITCOIN_START_HEIGHT !== undefined ? { bitcoin: e.BITCOIN_START_HEIGHT } : {}),
      ...(e.ETHEREUM_START_HEIGHT !== undefined ? { ethereum: e.ETHEREUM_START_HEIGHT } : {}),
    },
    follow: e.FOLLOW === 'true',
    pollMs: e.POLL_MS,
    dropMissingAfterMs: e.DEPOSITS_DROP_MISSING_AFTER_MS,
  };
}
