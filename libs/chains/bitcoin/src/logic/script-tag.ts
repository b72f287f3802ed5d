import { createHash } from 'node:crypto';

/** Domain separator of the deposit tag derivation; bump the version to change the rule. */
export const DEPOSIT_TAG_DOMAIN = 'strongroom/btc-deposit-tag/v1';

/**
 * The 20-byte tag that makes a custody script unique to one account, without a new key:
 * `SHA-256(utf8(DEPOSIT_TAG_DOMAIN) || 0x00 || utf8(account))[0..20]`. `account` is the caller's
 * stable account string, e.g. `depositAccount(...)`. Anyone with the account string can re-derive it.
 */
export function depositTag(account: string): Buffer {
  return createHash('sha256')
    .update(DEPOSIT_TAG_DOMAIN, 'utf8')
    .update(Buffer.from([0]))
    .update(account, 'utf8')
    .digest()
    .subarray(0, 20);
}
