import { defineErrors, type ErrorEntry } from '@strongroom/shared-types';

/**
 * Refusals of the chain adapters, one catalogue for every chain: callers (requests, policies, the
 * withdrawal pipeline) switch on these codes without knowing which adapter answered. The
 * `withdrawal.*` codes here are the adapters' refusals to build or sign a batch; the withdrawal
 * API's own refusals are in the withdrawals catalogue.
 */
export const ChainErrors = defineErrors('chains', {
  'address.malformed': { status: 400, title: 'Address malformed for this chain' },
  'address.checksum': { status: 400, title: 'Address checksum does not match' },
  'address.wrong_network': { status: 400, title: 'Address of another network' },
  'address.refused': {
    status: 400,
    title: 'Address refused',
    description: 'Valid, but paying it loses funds: the zero address, one of ours, or an unspendable program.',
  },
  'chain.block_unknown': { status: 400, title: 'No block at this height' },
  'chain.tx_unknown': { status: 400, title: 'Transaction not mined' },
  'wallet.no_safe': { status: 400, title: 'The Ethereum wallet has no Safe address yet' },
  'withdrawal.intent_mismatch': {
    status: 409,
    title: 'The transaction does not pay what was approved',
    description: 'Decoded before any digest goes to KMS; nothing is signed.',
  },
  'withdrawal.payload_invalid': { status: 400, title: 'Unsigned transaction payload malformed or of the wrong round' },
  'withdrawal.raw_invalid': { status: 400, title: 'Signed transaction does not match its txid or chain' },
  'withdrawal.relay_round_required': {
    status: 409,
    title: 'Relayer round missing',
    description: 'Ethereum withdrawals take two signing rounds: the owners, then the relayer.',
  },
  'withdrawal.signatures_short': { status: 422, title: 'Fewer signatures than the wallet threshold' },
  'withdrawal.signatures_missing': { status: 409, title: 'An input lacks the valid signatures it needs' },
  'withdrawal.signatures_unsorted': { status: 422, title: 'Safe signatures not sorted by owner, or repeated' },
  'withdrawal.signature_malformed': { status: 422, title: 'Signature bytes malformed (length, v or high S)' },
  'withdrawal.signature_not_owner': { status: 422, title: 'Signature by a key that is not a wallet owner' },
  'withdrawal.signature_wrong_digest': { status: 422, title: 'Signature over another digest' },
  'withdrawal.signature_invalid': { status: 422, title: 'Signature does not recover to its key' },
  'withdrawal.fee_ceiling': { status: 422, title: 'Fee bump above the fee ceiling' },
  'withdrawal.empty_batch': { status: 422, title: 'Batch without outputs' },
  'withdrawal.wrong_asset': { status: 422, title: 'Output in an asset this chain does not pay' },
  'withdrawal.bad_amount': { status: 422, title: 'Output amount not positive' },
  'withdrawal.dust_output': { status: 422, title: 'Output below the dust limit' },
  'withdrawal.fee_rate_invalid': { status: 400, title: 'Fee rate is not a decimal sat/vB' },
  'withdrawal.fee_rate_out_of_bounds': { status: 422, title: 'Fee rate outside the configured bounds' },
  'withdrawal.insufficient_custody_funds': {
    status: 409,
    title: 'Custody holds too little to pay the batch and its fee',
    description: 'Retried: deposits, sweeps or settled batches may free funds.',
  },
  'bitcoin.derivation_mismatch': { status: 422, title: 'Witness script does not hash to the watched address' },
  'bitcoin.broadcast_rejected': {
    status: 502,
    title: 'The Bitcoin node refused the transaction',
    description: '`extra.rpcCode` is the node’s error code.',
  },
  'bitcoin.cpfp_no_change': { status: 422, title: 'No change output to bump the fee from' },
  'bitcoin.cpfp_not_needed': { status: 422, title: 'The parent already pays the wanted fee rate' },
  'bitcoin.cpfp_change_too_small': { status: 422, title: 'Change output too small to pay the child' },
});

/** The codes validateAddress refuses an address with. */
export type AddressRefusalCode = keyof typeof ChainErrors & `address.${string}`;

/** An address refusal, as validateAddress returns it (a result, not a throw). */
export interface AddressRefused {
  ok: false;
  code: AddressRefusalCode;
  reason: string;
}

export const refuseAddress = (entry: ErrorEntry<AddressRefusalCode>, reason: string): AddressRefused => ({
  ok: false,
  code: entry.code,
  reason,
});
