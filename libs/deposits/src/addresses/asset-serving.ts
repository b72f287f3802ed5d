import type { ChainAdapter } from '@strongroom/chains-core';

/**
 * Optional adapter capability: whether this deployment can move an asset (Ethereum: the native
 * asset, or a token whose contract it was configured with, so its deposits can be seen and swept).
 * Structurally the EthereumAdapter's method; an adapter without it serves its chain's assets.
 */
export interface AssetServing {
  servesAsset(asset: string): boolean;
}

export function servesAsset(adapter: ChainAdapter, asset: string): boolean {
  const a = adapter as Partial<AssetServing>;
  return typeof a.servesAsset !== 'function' || a.servesAsset(asset);
}
