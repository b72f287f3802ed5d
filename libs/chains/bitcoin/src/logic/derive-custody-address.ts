import { address as baddress } from 'bitcoinjs-lib';
import type { CustodyWallet, DerivedAddress } from '@strongroom/chains-core';
import { bitcoinNetwork, type BitcoinNetworkName } from './bitcoin-network';
import { custodyScriptPubKey } from './custody-script-pubkey';
import { custodyWitnessScript } from './custody-witness-script';
import { scriptTag } from './script-tag';

/**
 * The P2WSH custody address of `account` under `wallet`: every deposit lands directly in m-of-n
 * custody. `locator` is the scriptPubKey the follower matches; `derivation` the witness script.
 */
export function deriveCustodyAddress(
  wallet: CustodyWallet,
  account: string,
  network: BitcoinNetworkName,
): DerivedAddress {
  const witnessScript = custodyWitnessScript(scriptTag(account), wallet.threshold, wallet.publicKeys);
  const output = custodyScriptPubKey(witnessScript);
  return {
    address: baddress.fromOutputScript(output, bitcoinNetwork(network)),
    locator: output.toString('hex'),
    derivation: witnessScript.toString('hex'),
  };
}
