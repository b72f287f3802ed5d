import { createHash } from 'node:crypto';

/** Domain separator of the deposit tag derivation; bump the version to change the rule. */
export const DEPOSIT_TAG_DOMAIN = 'strongroom/btc-deposit-tag/v1';

/**
 * The 20-byte script tag that makes a custody script unique to one deposit tag, without a new key:
 * `SHA-256(utf8(DEPOSIT_TAG_DOMAIN) || 0x00 || utf8(tag))[0..20]`. `tag` is the deposit address's
 * tag as libs/deposits makes it (`<client>/<user>/<asset>/<index>`), opaque here; anyone with it
 * can re-derive the script.
 */
export function scriptTag(account: string): Buffer {
  return createHash('sha256')
    .update(DEPOSIT_TAG_DOMAIN, 'utf8')
    .update(Buffer.from([0]))
    .update(account, 'utf8')
    .digest()
    .subarray(0, 20);
}
