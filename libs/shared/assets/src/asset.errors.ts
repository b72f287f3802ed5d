import { defineErrors } from '@strongroom/shared-types';

/** Refusals about which assets a deployment serves. */
export const AssetErrors = defineErrors('assets', {
  'asset.unknown': {
    status: 404,
    title: 'Asset not served',
    description: 'The asset code is not configured on this deployment; `extra.asset` echoes it.',
  },
  'asset.not_configured': {
    status: 422,
    title: 'Token contract not configured',
    description: 'The asset is known but this deployment’s chain adapter has no contract for it.',
  },
});
