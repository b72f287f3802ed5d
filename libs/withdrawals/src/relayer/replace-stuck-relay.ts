import type { ChainAdapter, SignedWithdrawal, UnsignedWithdrawal } from '@strongroom/chains-core';
import type { DigestSigner } from '../ports';
import { signDigests, type RelayReplaceable } from '../relayer/sign-digests';

/**
 * Replaces a stuck relayer transaction (a batch's or a sweep's): the same transaction at the same
 * nonce with fees raised, intent-checked by `check`, relayer-signed, handed to `store` (which keeps
 * the old txid, so a confirmation of either is seen) and sent only once stored. Both can never be
 * mined: they share the nonce.
 */
export async function replaceStuckRelay(
  adapter: ChainAdapter & RelayReplaceable,
  signer: DigestSigner,
  walletId: string,
  previous: UnsignedWithdrawal,
  feeCeiling: bigint | undefined,
  check: (replacement: UnsignedWithdrawal) => void,
  store: (replacement: UnsignedWithdrawal, signed: SignedWithdrawal) => Promise<boolean>,
): Promise<void> {
  const replacement = adapter.replaceRelay(previous, {}, feeCeiling);
  check(replacement);
  const signatures = await signDigests(replacement, 1, (publicKey, digest) => signer.sign(walletId, publicKey, digest));
  const signed = await adapter.finalize(replacement, signatures);
  if (await store(replacement, signed)) await adapter.broadcast(signed);
}
