import { defineErrors } from '@strongroom/shared-types';

/**
 * Refusals of the key registry and failures of KMS. A KMS error's `extra` carries the key id, the
 * AWS error name and the attempts made.
 */
export const KeyErrors = defineErrors('keys', {
  'keys.invalid_wallet': { status: 400, title: 'Wallet registration malformed (chain, keys, threshold or relayer)' },
  'keys.duplicate': { status: 409, title: 'A wallet with this label or one of these keys is already registered' },
  'keys.wallet_not_found': { status: 404, title: 'No such wallet in the key registry' },
  'keys.wallet_unverified': {
    status: 409,
    title: 'Wallet keys not verified against KMS yet',
    description: 'Signing waits for the key verification run at start.',
  },
  'keys.wallet_unusable': {
    status: 409,
    title: 'Wallet may not sign',
    description: 'A key no longer matches what the ceremony recorded, or KMS refused it; `extra.reason` says which.',
  },
  'keys.not_in_wallet': { status: 409, title: 'The public key is not a key of this wallet' },
  'keys.bad_digest': { status: 400, title: 'A digest to sign is not 32 bytes of hex' },
  'kms.key_not_found': { status: 404, title: 'KMS key does not exist' },
  'kms.key_disabled': { status: 409, title: 'KMS key disabled' },
  'kms.key_pending_deletion': { status: 409, title: 'KMS key scheduled for deletion' },
  'kms.key_invalid_state': { status: 409, title: 'KMS key not in a state that can sign' },
  'kms.wrong_key_spec': { status: 422, title: 'KMS key is not an ECC_SECG_P256K1 SIGN_VERIFY key' },
  'kms.invalid_request': { status: 400, title: 'KMS refused the request as malformed' },
  'kms.access_denied': { status: 502, title: 'KMS denied access: check the credentials and the key policy' },
  'kms.signature_invalid': {
    status: 502,
    title: 'KMS signature refused',
    description: 'It did not verify against the key’s recorded public key; it is never handed out.',
  },
  'kms.throttled': { status: 503, title: 'KMS kept throttling every attempt' },
  'kms.unavailable': { status: 503, title: 'KMS unavailable or failing' },
});
