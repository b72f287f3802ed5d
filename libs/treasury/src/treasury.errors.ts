import { defineErrors } from '@strongroom/shared-types';

/** Refusals of the treasury: float policies, readings and rebalances between wallet tiers. */
export const TreasuryErrors = defineErrors('treasury', {
  'treasury.policy_invalid': {
    status: 400,
    title: 'Float policy malformed',
    description: 'Amounts, fractions, windows or the approval quorum out of range; `detail` says which.',
  },
  'treasury.owner_unknown': {
    status: 404,
    title: 'The float owner is neither `operator` nor a registered client',
  },
  'treasury.policy_not_found': { status: 404, title: 'No float policy for this asset and owner' },
  'rebalance.not_found': { status: 404, title: 'No such rebalance' },
  'rebalance.not_pending': {
    status: 409,
    title: 'The rebalance no longer waits for approvals',
    description: '`extra.status` is its status now.',
  },
  'rebalance.same_person': {
    status: 403,
    title: 'This owner already approved the rebalance',
    description: 'Approvals count distinct owners (people), not keys.',
  },
});
