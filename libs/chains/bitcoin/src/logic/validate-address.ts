import { ChainErrors, refuseAddress, type AddressCheck } from '@strongroom/chains-core';
import type { BitcoinNetworkName } from './bitcoin-network';
import { decodeAddress } from './decode-address';

/**
 * A destination we will pay: a valid address of this network (see decodeAddress) of a kind that
 * is spendable today. Witness v1 other than 32-byte taproot programs and v2+ are valid by BIP-350
 * but anyone-can-spend until a soft fork gives them meaning, so paying them is refused.
 */
export function validateAddress(address: string, network: BitcoinNetworkName): AddressCheck {
  const decoded = decodeAddress(address, network);
  if (!decoded.ok) return decoded;
  if (decoded.kind === 'witness' && (decoded.witnessVersion ?? 0) > 0) {
    const programLength = decoded.script.length - 2;
    if (decoded.witnessVersion !== 1 || programLength !== 32) {
      return refuseAddress(
        ChainErrors['address.refused'],
        `witness v${decoded.witnessVersion} with a ${programLength}-byte program has no spending rules yet`,
      );
    }
  }
  return { ok: true, normalized: decoded.normalized };
}
