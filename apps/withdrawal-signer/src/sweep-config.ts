import { AssetRegistry, parseAssetAmounts } from '@strongroom/shared-assets';
import { parseAssetUnits } from '@strongroom/shared-types';
import type { SweepOptions } from '@strongroom/withdrawals';

/**
 * The Ethereum sweeper's settings: ETHEREUM_SWEEP_THRESHOLDS (`ETH:0.05,USDC:100`, decimal units;
 * unset = this process does not sweep), ETHEREUM_SWEEP_INTERVAL_MS (default 60 000) and
 * ETHEREUM_SWEEP_MAX_FEE_GWEI (sweeps wait while the network asks more; unset = no cap).
 */
export function sweepFromEnv(env: NodeJS.ProcessEnv, assets = new AssetRegistry()): { sweep?: SweepOptions } {
  const text = env.ETHEREUM_SWEEP_THRESHOLDS?.trim();
  if (!text) return {};
  const interval = Number(env.ETHEREUM_SWEEP_INTERVAL_MS ?? 60_000);
  if (!Number.isInteger(interval) || interval < 0)
    throw new Error(
      `ETHEREUM_SWEEP_INTERVAL_MS: "${env.ETHEREUM_SWEEP_INTERVAL_MS}" is not a whole number of milliseconds`,
    );
  const maxFee = env.ETHEREUM_SWEEP_MAX_FEE_GWEI
    ? parseAssetUnits(env.ETHEREUM_SWEEP_MAX_FEE_GWEI, 9, 'ETHEREUM_SWEEP_MAX_FEE_GWEI')
    : undefined;
  return {
    sweep: {
      thresholds: parseAssetAmounts(text, assets, 'ETHEREUM_SWEEP_THRESHOLDS'),
      intervalMs: interval,
      ...(maxFee !== undefined ? { maxFeePerGas: maxFee } : {}),
    },
  };
}
