import { descriptorChecksum } from '@strongroom/chains-bitcoin';

/**
 * `wsh(sortedmulti(m,K1,…,Kn))#checksum` over compressed public keys (hex): the untagged policy
 * of a custody wallet, for the operator's record (BIP-380 checksum from the Bitcoin library).
 */
export function multisigDescriptor(threshold: number, publicKeys: string[]): string {
  const body = `wsh(sortedmulti(${threshold},${publicKeys.join(',')}))`;
  return `${body}#${descriptorChecksum(body)}`;
}
