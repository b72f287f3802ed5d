import { IntentMismatchError, type UnsignedChainTx } from '@strongroom/chains-core';
import { getAddress, Transaction } from 'ethers';
import { ownerAddress } from './owner-address';
import { parsePayload } from './parse-payload';

/**
 * The intent check of a nonce fill, before its digest goes to KMS: a relayer transaction on this
 * chain (EIP-1559) that only consumes `nonce` — sent by the wallet's relayer key to the relayer
 * itself, no value, no calldata, exactly that nonce — and every digest requested must be that
 * transaction's hash for the relayer key. Anything else would spend the relayer's nonce (or its
 * ETH) on something nobody approved.
 */
export function checkNonceFillIntent(
  unsigned: UnsignedChainTx,
  relayerAddress: string | undefined,
  nonce: number,
  chainId: bigint,
): void {
  const p = parsePayload(unsigned.payload);
  if (p.kind !== 'relay' || p.purpose !== 'cancel')
    throw new IntentMismatchError('the payload is not a nonce fill', {});
  if (p.chainId !== chainId) throw new IntentMismatchError(`payload is for chain ${p.chainId}`, {});
  const tx = Transaction.from(p.unsignedTx);
  if (tx.chainId !== chainId || tx.type !== 2)
    throw new IntentMismatchError('the nonce fill is not an EIP-1559 transaction for this chain', {});
  if (!relayerAddress) throw new IntentMismatchError('the wallet has no relayer', {});
  const relayer = getAddress(relayerAddress);
  if (getAddress(ownerAddress(p.relayerPublicKey)) !== relayer || getAddress(p.relayer) !== relayer) {
    throw new IntentMismatchError('the relayer key is not the wallet relayer', {});
  }
  if (!tx.to || getAddress(tx.to) !== relayer)
    throw new IntentMismatchError(`the nonce fill pays ${tx.to}, not the relayer itself`, { to: tx.to });
  if (tx.value !== 0n) throw new IntentMismatchError('the nonce fill carries value', { value: tx.value.toString() });
  if (tx.data !== '0x') throw new IntentMismatchError('the nonce fill carries calldata', {});
  if (tx.nonce !== nonce)
    throw new IntentMismatchError(`the nonce fill is for nonce ${tx.nonce}, not the reserved ${nonce}`, {
      nonce: tx.nonce,
    });
  if (unsigned.digests.length === 0) throw new IntentMismatchError('the nonce fill requests no digest', {});
  for (const d of unsigned.digests) {
    if (d.digest.toLowerCase() !== tx.unsignedHash.toLowerCase() || d.publicKey !== p.relayerPublicKey) {
      throw new IntentMismatchError('a requested digest is not the nonce fill transaction hash', { digest: d.digest });
    }
  }
}
