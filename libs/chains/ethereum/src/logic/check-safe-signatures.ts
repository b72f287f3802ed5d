import { ChainErrors } from '@strongroom/chains-core';
import { domainError } from '@strongroom/shared-types';
import { dataLength, dataSlice, getAddress, recoverAddress, Signature, toBigInt } from 'ethers';

const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/**
 * Checks Safe signature bytes the way the Safe will, before anything is submitted: 65-byte
 * ECDSA signatures (r‖s‖v, v 27/28, low-S), each recovering to a distinct owner, strictly
 * ascending by owner address, at least `threshold` of them. Returns the signing owners.
 */
export function checkSafeSignatures(
  hash: string,
  signatures: string,
  owners: readonly string[],
  threshold: number,
): string[] {
  const ownerSet = new Set(owners.map((o) => getAddress(o)));
  const len = dataLength(signatures);
  if (len % 65 !== 0)
    throw domainError(
      ChainErrors['withdrawal.signature_malformed'],
      `signature bytes are ${len} long, not a multiple of 65`,
    );
  const count = len / 65;
  if (count < threshold)
    throw domainError(
      ChainErrors['withdrawal.signatures_short'],
      `${count} signature(s), the Safe needs ${threshold}`,
      {
        count,
        threshold,
      },
    );
  const signers: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = dataSlice(signatures, i * 65, i * 65 + 32);
    const s = dataSlice(signatures, i * 65 + 32, i * 65 + 64);
    const v = Number(toBigInt(dataSlice(signatures, i * 65 + 64, i * 65 + 65)));
    if (v !== 27 && v !== 28)
      throw domainError(
        ChainErrors['withdrawal.signature_malformed'],
        `signature ${i} has v=${v}; only ECDSA (27/28) is used`,
      );
    if (toBigInt(s) > HALF_N)
      throw domainError(ChainErrors['withdrawal.signature_malformed'], `signature ${i} is not low-S`);
    const signer = recoverAddress(hash, Signature.from({ r, s, v }));
    if (!ownerSet.has(signer))
      throw domainError(
        ChainErrors['withdrawal.signature_not_owner'],
        `signature ${i} recovers to ${signer}, not an owner`,
        {
          signer,
        },
      );
    const prev = signers[signers.length - 1];
    if (prev !== undefined && BigInt(signer) <= BigInt(prev)) {
      throw domainError(
        ChainErrors['withdrawal.signatures_unsorted'],
        'signatures must be sorted by owner address, ascending, without repeats',
        { signer, previous: prev },
      );
    }
    signers.push(signer);
  }
  return signers;
}
