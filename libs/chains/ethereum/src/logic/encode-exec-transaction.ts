import { SAFE_ABI } from '../constants';
import type { SafeTx } from '../types';

/** `execTransaction` calldata: the Safe transaction fields (not its nonce, which the Safe supplies) plus the owners' signatures. */
export function encodeExecTransaction(tx: SafeTx, signatures: string): string {
  return SAFE_ABI.encodeFunctionData('execTransaction', [
    tx.to,
    tx.value,
    tx.data,
    tx.operation,
    tx.safeTxGas,
    tx.baseGas,
    tx.gasPrice,
    tx.gasToken,
    tx.refundReceiver,
    signatures,
  ]);
}
