import type { CustodyWallet } from '@strongroom/chains-core';
import type { BitcoinNetworkName } from './bitcoin-network';
import { sortedKeys } from './custody-witness-script';
import { scriptTag } from './script-tag';
import { deriveCustodyAddress } from './derive-custody-address';
import { descriptorChecksum } from './descriptor-checksum';

export interface CustodyExport {
  /** Bitcoin Core descriptor (`addr(...)#checksum`): importable as watch-only. */
  descriptor: string;
  /**
   * Our own descriptor-style statement of how the address is made, checkable with the rule in
   * the README: `wsh(tagged_sortedmulti(<tag>,m,K1,…,Kn))`.
   */
  derivation: string;
  address: string;
  tag: string;
  witnessScript: string;
  scriptPubKey: string;
}

/** Everything an auditor needs to re-derive one custody address independently. */
export function custodyDescriptor(wallet: CustodyWallet, account: string, network: BitcoinNetworkName): CustodyExport {
  const derived = deriveCustodyAddress(wallet, account, network);
  const tag = scriptTag(account).toString('hex');
  const keys = sortedKeys(wallet.publicKeys).map((k) => k.toString('hex'));
  const addr = `addr(${derived.address})`;
  return {
    descriptor: `${addr}#${descriptorChecksum(addr)}`,
    derivation: `wsh(tagged_sortedmulti(${tag},${wallet.threshold},${keys.join(',')}))`,
    address: derived.address,
    tag,
    witnessScript: derived.derivation,
    scriptPubKey: derived.locator,
  };
}
