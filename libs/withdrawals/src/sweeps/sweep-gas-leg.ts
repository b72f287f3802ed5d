import type { LedgerTransferInput } from '../ports';

/**
 * The one ledger transfer a mined sweep books: the gas the relayer paid, as an expense of the
 * wallet, out of the relayer's gas budget — reverted or not, the gas is gone. What the sweep moved
 * needs no entry: custody mirrors the Safe AND the deposit addresses, and a sweep only moves
 * value between them. The id is the sweep's, so a retried settlement has one effect.
 */
export function sweepGasLeg(
  sweepId: string,
  txid: string,
  fee: bigint,
  accounts: { feeExpense: string; relayerGas: string },
): LedgerTransferInput {
  return {
    id: `sweep:${sweepId}:gas`,
    debitAccountId: accounts.feeExpense,
    creditAccountId: accounts.relayerGas,
    amount: fee,
    code: 'sweep_gas',
    metadata: { sweepId, txid },
  };
}
