import { defineErrors } from '@strongroom/shared-types';

/** Refusals of the wallet directory, which decides which custody wallet serves whom. */
export const WalletErrors = defineErrors('wallets', {
  'wallet.invalid': { status: 400, title: 'Wallet id, chain, owner, tier, status or keys malformed' },
  'wallet.conflict': {
    status: 409,
    title: 'Another wallet holds this id, label or slot',
    description: 'A registration repeated with the same fields is a no-op; different fields are refused.',
  },
  'wallet.not_found': { status: 404, title: 'No such custody wallet in the directory' },
  'wallet.slot_taken': {
    status: 409,
    title: 'Another wallet already serves this chain, owner and tier',
    description: '`extra.walletId` names the wallet holding the slot.',
  },
  'wallet.suspended': { status: 503, title: 'The custody wallet serving this client is suspended' },
  'wallet.not_automatic': {
    status: 409,
    title: 'This wallet is never signed for automatically',
    description:
      'A cold wallet pays no withdrawal and its keys never sign on a service’s own authority; `extra.tier` names the tier.',
  },
  'wallet.unavailable': {
    status: 503,
    title: 'No custody wallet may pay on this chain',
    description:
      'None serves the client, or the one that does has keys not verified against KMS; it is never swapped for another.',
  },
});
