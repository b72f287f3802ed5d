import type {
  ChainAdapter,
  CustodyWallet,
  SignedWithdrawal,
  UnsignedWithdrawal,
  WithdrawalBatch,
} from '@strongroom/chains-core';

/** One input of a transaction the node does not have, as the UTXO adapter judges it. */
export interface InputVerdict {
  txid: string;
  vout: number;
  state: 'unspent' | 'spent' | 'pending' | 'missing';
}

/**
 * What the pipeline needs from a UTXO chain (Bitcoin) beyond the ChainAdapter port: coin selection
 * that skips outpoints other batches own, the outpoints a stored payload spends (the durable
 * reservations), the inputs of a raw transaction (to re-send parents before children), input
 * verdicts for a transaction that came back (conflicts), and fee bumps (CPFP; BIP-125 where the
 * node relays replacements).
 */
export interface UtxoChainAdapter extends ChainAdapter {
  readonly replaceByFee: boolean;
  buildWithdrawal(batch: WithdrawalBatch, opts?: { taken?: ReadonlySet<string> }): Promise<UnsignedWithdrawal>;
  spentOutpoints(payload: string): string[];
  inputsOf(raw: string): { txid: string; vout: number }[];
  inputStates(raw: string): Promise<InputVerdict[]>;
  buildCpfp(
    parent: SignedWithdrawal,
    parentFee: bigint,
    wallet: CustodyWallet,
    feeRate?: number,
  ): Promise<UnsignedWithdrawal>;
  checkCpfpIntent(
    unsigned: UnsignedWithdrawal,
    parent: SignedWithdrawal,
    parentFee: bigint,
    wallet: CustodyWallet,
  ): void;
  feeRate(): Promise<number>;
}

export function isUtxoChain(adapter: ChainAdapter): adapter is UtxoChainAdapter {
  const a = adapter as Partial<UtxoChainAdapter>;
  return (
    typeof a.spentOutpoints === 'function' && typeof a.inputStates === 'function' && typeof a.inputsOf === 'function'
  );
}
