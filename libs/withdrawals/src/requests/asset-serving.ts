import { servesAsset, type ChainAdapter } from '@strongroom/chains-core';
import { AssetErrors, type AssetInfo } from '@strongroom/shared-assets';
import { domainError } from '@strongroom/shared-types';

/** Refuses a request for an asset the chain adapter of this deployment cannot move (no token contract configured). */
export function assertAssetServed(adapter: ChainAdapter, asset: Pick<AssetInfo, 'code' | 'chain'>): void {
  if (!servesAsset(adapter.capabilities, asset.code)) {
    throw domainError(
      AssetErrors['asset.not_configured'],
      `asset ${asset.code} has no token contract configured on this deployment's ${asset.chain} network`,
      { asset: asset.code, chain: asset.chain },
    );
  }
}
