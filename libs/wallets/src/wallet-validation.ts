import { CHAIN_IDS, domainError } from '@strongroom/shared-types';
import { WalletErrors } from './wallets.errors';
import { WALLET_STATUSES, WALLET_TIERS, type WalletRegistration } from './wallet.types';

const ID = /^[A-Za-z0-9._:-]{1,100}$/;
const PUBKEY = /^0[23][0-9a-f]{64}$/;
const MAX_LABEL = 200;

/** A registration checked and normalised (defaults filled, optional fields present only when set). */
export type ValidRegistration = Required<Pick<WalletRegistration, 'label' | 'tier' | 'status'>> & WalletRegistration;

export function validateRegistration(w: WalletRegistration): ValidRegistration {
  const bad = (detail: string) => domainError(WalletErrors['wallet.invalid'], detail);
  if (!ID.test(w.id ?? '')) throw bad('wallet id must be 1-100 of [A-Za-z0-9._:-]');
  if (!CHAIN_IDS.includes(w.chain)) throw bad(`unknown chain ${String(w.chain)}`);
  if (w.clientId !== null && !ID.test(w.clientId ?? ''))
    throw bad('clientId must be null (operator) or 1-100 of [A-Za-z0-9._:-]');
  const tier = w.tier ?? 'hot';
  if (!WALLET_TIERS.includes(tier)) throw bad(`tier must be one of ${WALLET_TIERS.join(', ')}`);
  const status = w.status ?? 'active';
  if (!WALLET_STATUSES.includes(status)) throw bad(`status must be one of ${WALLET_STATUSES.join(', ')}`);
  const keys = w.publicKeys ?? [];
  if (keys.length < 1 || !keys.every((k) => PUBKEY.test(k)))
    throw bad('publicKeys must be compressed secp256k1 keys (hex)');
  if (new Set(keys).size !== keys.length) throw bad('publicKeys must be distinct');
  if (!Number.isInteger(w.threshold) || w.threshold < 1 || w.threshold > keys.length)
    throw bad('threshold must be between 1 and the number of keys');
  // A cold wallet needs people to move it: one key alone would make one person enough.
  if (tier === 'cold' && w.threshold < 2) throw bad('a cold wallet needs a threshold of at least 2');
  if (w.relayerPublicKey !== undefined && !PUBKEY.test(w.relayerPublicKey))
    throw bad('relayerPublicKey must be a compressed secp256k1 key (hex)');
  const label = w.label?.trim() || w.id;
  if (label.length > MAX_LABEL) throw bad(`label must be at most ${MAX_LABEL} characters`);
  return {
    id: w.id,
    label,
    clientId: w.clientId,
    chain: w.chain,
    tier,
    threshold: w.threshold,
    publicKeys: [...keys],
    ...(w.safeAddress ? { safeAddress: w.safeAddress } : {}),
    ...(w.relayerAddress ? { relayerAddress: w.relayerAddress } : {}),
    ...(w.relayerPublicKey ? { relayerPublicKey: w.relayerPublicKey } : {}),
    status,
  };
}
