import type { WatchedAddress } from '@strongroom/chains-core';
import type { ChainId } from '@strongroom/shared-types';

/**
 * What a chain adapter needs to match (and, on Bitcoin, later spend) a deposit address:
 * Bitcoin gets the scriptPubKey and the witness script; Ethereum matches by address.
 */
export function watchedAddress(
  chain: ChainId,
  a: { id: string | number; address: string; locator: string; derivation: string },
): WatchedAddress {
  return chain === 'bitcoin'
    ? { address: a.address, script: a.locator, derivation: a.derivation, ref: String(a.id) }
    : { address: a.address, ref: String(a.id) };
}
