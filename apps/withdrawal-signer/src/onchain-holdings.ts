import type { ChainAdapter } from '@strongroom/chains-core';
import type { OnChainHoldings, OnChainReading } from '@strongroom/withdrawals';

/** An adapter that keeps the custody UTXO set in memory (the Bitcoin adapter). */
interface UtxoSetAdapter {
  custodyUtxos(): { value: bigint }[];
}
const hasUtxoSet = (a: ChainAdapter): a is ChainAdapter & UtxoSetAdapter =>
  typeof (a as Partial<UtxoSetAdapter>).custodyUtxos === 'function';

/**
 * The solvency gate's on-chain view, live and cheap: Bitcoin's custody UTXO set as the adapter
 * has read it (every custody address, deposits included; no RPC). Chains without such a set
 * (Ethereum: the Safe plus every unswept deposit address, one RPC each) answer null, and the gate
 * compares liabilities with the ledger's custody accounts only; reconciliation covers them on chain.
 */
export class AdapterOnChainHoldings implements OnChainHoldings {
  constructor(private readonly adapters: ChainAdapter[]) {}

  async holdings(chain: string, asset: string): Promise<OnChainReading | null> {
    const adapter = this.adapters.find((a) => a.chain === chain);
    if (!adapter || !hasUtxoSet(adapter) || asset !== 'BTC') return null;
    const amount = adapter.custodyUtxos().reduce((s, u) => s + u.value, 0n);
    return { amount, source: `${chain}:custody-utxo-set` };
  }
}
