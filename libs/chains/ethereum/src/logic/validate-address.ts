import { ChainErrors, refuseAddress, type AddressCheck } from '@strongroom/chains-core';
import { getAddress } from 'ethers';
import { ZERO_ADDRESS } from '../constants';

const HEX40 = /^0x[0-9a-fA-F]{40}$/;

/**
 * Checks a destination address: `0x` + 40 hex digits; when the case is mixed it must be a valid
 * EIP-55 checksum (all-lower or all-upper carries no checksum and is accepted); the zero address
 * and any address in `refused` (our Safes, relayers, deposit addresses, token contracts —
 * lower case) are refused, since paying them loses funds or fakes a deposit.
 */
export function validateAddress(address: string, refused: ReadonlySet<string> = new Set()): AddressCheck {
  if (typeof address !== 'string' || !HEX40.test(address)) {
    return refuseAddress(ChainErrors['address.malformed'], 'expected 0x followed by 40 hexadecimal digits');
  }
  const body = address.slice(2);
  const mixed = body !== body.toLowerCase() && body !== body.toUpperCase();
  const normalized = getAddress(address.toLowerCase());
  if (mixed && normalized !== address) {
    return refuseAddress(ChainErrors['address.checksum'], 'the mixed-case address fails its EIP-55 checksum');
  }
  if (normalized === ZERO_ADDRESS) return refuseAddress(ChainErrors['address.refused'], 'the zero address burns funds');
  if (refused.has(normalized.toLowerCase())) {
    return refuseAddress(
      ChainErrors['address.refused'],
      'the address belongs to this custody service (Safe, relayer, deposit address or token contract)',
    );
  }
  return { ok: true, normalized };
}
