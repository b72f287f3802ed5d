import { formatAssetUnits } from './amount';

/**
 * How a person reads an amount: asset units and the asset code ("0.4 BTC"). Put in a response's
 * `display` object beside the base-unit field it renders; never accepted as input.
 */
export function displayAmount(baseUnits: bigint | string, decimals: number, asset: string): string {
  return `${formatAssetUnits(BigInt(baseUnits), decimals)} ${asset}`;
}
