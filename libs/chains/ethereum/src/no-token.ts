import { AssetErrors } from '@strongroom/shared-assets';

/**
 * An asset without a token contract on this network, refused while building a withdrawal or a
 * sweep: answered 400, not the catalogue's 404, as the adapter always has (clients switch on the
 * code, which stays `asset.unknown`).
 */
export const NO_TOKEN = { ...AssetErrors['asset.unknown'], status: 400 };
