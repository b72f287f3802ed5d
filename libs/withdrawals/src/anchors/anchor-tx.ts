import { Signature, Transaction, getBytes, hexlify } from 'ethers';
import { anchorBytes, anchorPayload } from '@strongroom/proof-verifier';
import type { DigestSigner } from '../ports';

/**
 * Gas of an anchor: 21000 plus the calldata. Since Prague (EIP-7623) a transaction that only
 * carries data pays the floor of 10 gas per token (a zero byte is 1 token, another byte 4), which
 * is above the standard 4/16 per byte, so the floor is the cost.
 */
export function anchorGas(data: Uint8Array): bigint {
  let standard = 0n;
  let tokens = 0n;
  for (const b of data) {
    standard += b === 0 ? 4n : 16n;
    tokens += b === 0 ? 1n : 4n;
  }
  return 21000n + (standard > tokens * 10n ? standard : tokens * 10n);
}

export interface AnchorTxInput {
  chainId: bigint;
  /** The relayer's address: the anchor is a 0-ETH transaction from it to itself. */
  relayer: string;
  nonce: number;
  snapshotId: string;
  root: string;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/**
 * The anchor transaction of a published root (docs/proof-publication.md § anchors), EIP-1559,
 * signed by the relayer key through the digest signer (KMS). The signature is checked by
 * recovering the sender before the bytes are returned: a wrong key never leaves.
 */
export async function signAnchorTx(
  signer: DigestSigner,
  relayerKey: { walletId: string; publicKey: string },
  input: AnchorTxInput,
): Promise<{ raw: string; hash: string; payload: string }> {
  const payload = anchorPayload(input.snapshotId, input.root);
  const tx = Transaction.from({
    type: 2,
    chainId: input.chainId,
    nonce: input.nonce,
    to: input.relayer,
    value: 0n,
    data: payload,
    gasLimit: anchorGas(anchorBytes(input.snapshotId, input.root)),
    maxFeePerGas: input.maxFeePerGas,
    maxPriorityFeePerGas: input.maxPriorityFeePerGas,
  });
  const digest = tx.unsignedHash;
  const sig = await signer.sign(relayerKey.walletId, relayerKey.publicKey, digest.slice(2));
  const r = `0x${sig.r.padStart(64, '0')}`;
  const s = `0x${sig.s.padStart(64, '0')}`;
  const candidates = sig.recovery === undefined ? [0, 1] : [sig.recovery];
  for (const yParity of candidates) {
    tx.signature = Signature.from({ r, s, yParity: yParity as 0 | 1 });
    if (tx.from?.toLowerCase() === input.relayer.toLowerCase())
      return { raw: tx.serialized, hash: tx.hash as string, payload };
  }
  throw new Error(
    `the anchor signature does not recover the relayer ${input.relayer} (digest ${hexlify(getBytes(digest))})`,
  );
}
