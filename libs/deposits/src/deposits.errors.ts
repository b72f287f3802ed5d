import { defineErrors } from '@strongroom/shared-types';

/** Refusals of the deposit API and failures of the deposit followers. */
export const DepositErrors = defineErrors('deposits', {
  'deposit.not_found': { status: 404, title: 'No such deposit (or not visible to this key)' },
  'deposit_address.no_custody_wallet': {
    status: 422,
    title: 'No custody wallet serves this client on the chain',
    description:
      'Neither the client nor the operator has a wallet in the wallet directory; `extra` names chain and client.',
  },
  'chain.not_configured': { status: 422, title: 'This deployment does not follow the asset’s chain' },
  'deposits.reorg_too_deep': {
    status: 500,
    title: 'Reorganisation deeper than the blocks kept',
    description: 'The follower stops; an operator must look at the chain before it resumes.',
  },
});
