import { defineErrors } from '@strongroom/shared-types';

/** Refusals of snapshots, reconciliations, proofs of liabilities and of assets, and prices. */
export const ComplianceErrors = defineErrors('compliance', {
  'snapshot.not_found': { status: 404, title: 'No such snapshot' },
  'snapshot.not_complete': { status: 422, title: 'Snapshot not complete yet (or failed)' },
  'reconciliation.not_found': { status: 404, title: 'No such reconciliation' },
  'reconciliation.chain_changed': {
    status: 409,
    title: 'The snapshot’s chain view was reorganised away',
    description: 'The block the snapshot recorded is no longer on the chain; take a new snapshot.',
  },
  'proof.no_assets': {
    status: 422,
    title: 'The snapshot holds no balances: there is nothing to prove',
    description: 'A liability tree needs at least one asset; take a snapshot once users hold balances.',
  },
  'proof.not_published': { status: 404, title: 'No proof of liabilities published for this snapshot' },
  'proof.user_not_in_snapshot': { status: 404, title: 'The user has no balance in this snapshot' },
  'proof.user_id': {
    status: 422,
    title:
      'User id not allowed in the liability tree (1–255 UTF-8 bytes, NFC, no control or bidirectional-formatting characters)',
  },
  'proof.duplicate_user': { status: 422, title: 'A user appears twice in the liability tree' },
  'proof.unknown_asset': { status: 422, title: 'A user holds an asset not in the published asset list' },
  'proof.balance_range': { status: 422, title: 'A balance is not an integer in [0, 2^256)' },
  'proof.sum_overflow': { status: 422, title: 'A per-asset sum exceeds 2^256-1' },
  'proof.salt_length': { status: 422, title: 'The snapshot salt is not 32 bytes' },
  'proof.too_many_users': { status: 422, title: 'More users than the liability tree holds' },
  'proof_of_assets.challenge_invalid': { status: 400, title: 'Challenge not 8 to 1000 characters' },
  'proof_of_assets.unavailable': {
    status: 503,
    title: 'This app holds no custody keys',
    description: 'Ask the withdrawal-signer or custody app for a proof of assets.',
  },
  'prices.invalid': { status: 502, title: 'The price source returned an invalid document' },
  'prices.unavailable': { status: 503, title: 'The price source did not answer' },
});
