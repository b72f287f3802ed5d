import type { ChainAdapter } from '@strongroom/chains-core';
import type { AssetInfo } from '@strongroom/shared-assets';
import { unprocessable } from '@strongroom/shared-types';

/**
 * Optional adapter capability: whether this deployment can move an asset (Ethereum: the native
 * asset, or a token whose contract it was configured with). Structurally the EthereumAdapter's
 * method, so this library needs no import of it; an adapter without it serves its chain's assets.
 */
export interface AssetServing {
  servesAsset(asset: string): boolean;
}

export function isAssetServing(a: ChainAdapter): a is ChainAdapter & AssetServing {
  return typeof (a as Partial<AssetServing>).servesAsset === 'function';
}

/** Refuses a request for an asset the chain adapter of this deployment cannot move (no token contract configured). */
export function assertAssetServed(adapter: ChainAdapter, asset: Pick<AssetInfo, 'code' | 'chain'>): void {
  if (isAssetServing(adapter) && !adapter.servesAsset(asset.code)) {
    throw unprocessable(
      'asset.not_configured',
      `asset ${asset.code} has no token contract configured on this deployment's ${asset.chain} network`,
      { asset: asset.code, chain: asset.chain },
    );
  }
}
