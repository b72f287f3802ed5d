import { ChainErrors, type DigestSignature } from '@strongroom/chains-core';
import { domainError } from '@strongroom/shared-types';
import { concat, getAddress, recoverAddress, Signature, toBeHex, zeroPadValue } from 'ethers';
import { checkSafeSignatures } from './check-safe-signatures';
import { ownerAddress } from './owner-address';

function normaliseHex32(h: string): string {
  return zeroPadValue(h.startsWith('0x') ? h : `0x${h}`, 32);
}

/**
 * Builds the Safe `signatures` bytes from KMS signatures over `hash`: each must come from an
 * owner key (by its public key), be over exactly this hash and recover to that owner (v from the
 * given recovery id, or found by trying both when absent). Sorted by owner address ascending,
 * then checked with checkSafeSignatures — a short or non-owner set throws here, before submission.
 */
export function encodeSafeSignatures(
  hash: string,
  sigs: readonly DigestSignature[],
  owners: readonly string[],
  threshold: number,
): string {
  const ownerSet = new Set(owners.map((o) => getAddress(o)));
  const byOwner = new Map<string, string>();
  for (const sig of sigs) {
    const owner = ownerAddress(sig.publicKey);
    if (!ownerSet.has(owner))
      throw domainError(
        ChainErrors['withdrawal.signature_not_owner'],
        `key ${sig.publicKey} (${owner}) is not an owner of the Safe`,
        { owner },
      );
    if (sig.digest.toLowerCase().replace(/^0x/, '') !== hash.toLowerCase().replace(/^0x/, '')) {
      throw domainError(
        ChainErrors['withdrawal.signature_wrong_digest'],
        `the signature of ${owner} is over another digest`,
        {
          owner,
        },
      );
    }
    const r = normaliseHex32(sig.r);
    const s = normaliseHex32(sig.s);
    const candidates = sig.recovery === undefined ? [27, 28] : [27 + sig.recovery];
    const v = candidates.find((cand) => {
      try {
        return recoverAddress(hash, Signature.from({ r, s, v: cand })) === owner;
      } catch {
        return false;
      }
    });
    if (v === undefined)
      throw domainError(
        ChainErrors['withdrawal.signature_invalid'],
        `the signature does not recover to owner ${owner}`,
        {
          owner,
        },
      );
    byOwner.set(owner, concat([r, s, toBeHex(v, 1)]));
  }
  const sorted = [...byOwner.keys()].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  const bytes = concat(sorted.map((o) => byOwner.get(o) as string));
  checkSafeSignatures(hash, bytes, owners, threshold);
  return bytes;
}
