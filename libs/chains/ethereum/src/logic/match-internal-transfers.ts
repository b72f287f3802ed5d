import type { ChainTransfer } from '@strongroom/chains-core';
import { getAddress } from 'ethers';
import type { AddressSet } from './address-set';
import type { TxMoves } from './internal-moves';

/** `i<k>`: the k-th ETH movement (from 0) inside the transaction. Short, and within the deposit id pattern. */
const internalIndex = (k: number): string => `i${k}`;

/**
 * Deposits paid by internal calls: a CALL or SELFDESTRUCT inside a transaction that moved ETH
 * to a watched address and was not undone. The transaction's own value stays the "native"
 * transfer (`matchBlockTransfers`); the moves never include it.
 *
 * CREATE/CREATE2 with value is never a deposit: the only code that can be created at a deposit
 * address is our sweeper (the address commits to its init code), which passes everything on
 * to the Safe before its frame ends — a sweep must not be credited to the user it sweeps.
 */
export function matchInternalTransfers(
  txs: readonly TxMoves[],
  watched: AddressSet,
  nativeAsset = 'ETH',
): ChainTransfer[] {
  const out: ChainTransfer[] = [];
  for (const tx of txs) {
    tx.moves.forEach((m, k) => {
      if (m.kind === 'create' || !watched.has(m.to)) return;
      out.push({
        txid: tx.txHash,
        index: internalIndex(k),
        address: getAddress(m.to),
        asset: nativeAsset,
        amount: m.value,
      });
    });
  }
  return out;
}
