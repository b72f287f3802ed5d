import { computeAddress } from 'ethers';

/** The Ethereum address of a secp256k1 public key (compressed or uncompressed hex). */
export function ownerAddress(publicKey: string): string {
  return computeAddress(publicKey.startsWith('0x') ? publicKey : `0x${publicKey}`);
}
