import { keccak256, toUtf8Bytes } from 'ethers';

/** The CREATE2 salt of a deposit address: keccak256("strongroom/ethereum/deposit/v1/" + tag). Versioned and domain-separated. */
export function depositSalt(tag: string): string {
  if (tag.length === 0) throw new Error('a deposit tag must not be empty');
  return keccak256(toUtf8Bytes(`strongroom/ethereum/deposit/v1/${tag}`));
}
