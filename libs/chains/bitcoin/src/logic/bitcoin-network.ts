import { networks, type Network } from 'bitcoinjs-lib';

export type BitcoinNetworkName = 'mainnet' | 'testnet' | 'regtest';

/** bitcoinjs-lib parameters per network (regtest = Bitcoin Core's: bcrt1, m/n, 2). */
export function bitcoinNetwork(name: BitcoinNetworkName): Network {
  switch (name) {
    case 'mainnet':
      return networks.bitcoin;
    case 'testnet':
      return networks.testnet;
    case 'regtest':
      return networks.regtest;
  }
}
