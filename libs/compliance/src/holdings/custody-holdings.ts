import type { AssetRegistry } from '@strongroom/shared-assets';
import type { ChainHolding, ChainHoldings, ChainTip } from '../ports';
import type { BitcoinCustodyHoldings } from './bitcoin-holdings';
import type { EthereumCustodyHoldings } from './ethereum-holdings';

/** The CHAIN_HOLDINGS port: each asset read by its chain's reader, at the snapshot's tip of that chain. */
export class CustodyHoldings implements ChainHoldings {
  constructor(
    private readonly assets: AssetRegistry,
    private readonly chains: { bitcoin?: BitcoinCustodyHoldings; ethereum?: EthereumCustodyHoldings },
  ) {}

  async holdings(asset: string, tip: ChainTip): Promise<ChainHolding[]> {
    const chain = this.assets.get(asset).chain;
    if (chain !== tip.chain) throw new Error(`asset ${asset} is on ${chain}, not ${tip.chain}`);
    if (chain === 'bitcoin' && this.chains.bitcoin) return asset === 'BTC' ? this.chains.bitcoin.holdings(tip) : [];
    if (chain === 'ethereum' && this.chains.ethereum) return this.chains.ethereum.holdings(asset, tip);
    // A chain this deployment does not follow holds nothing of ours.
    return [];
  }
}
