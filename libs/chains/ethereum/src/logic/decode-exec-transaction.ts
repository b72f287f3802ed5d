import { getAddress } from 'ethers';
import { SAFE_ABI } from '../constants';
import type { SafeTx } from '../types';

/** Decodes `execTransaction` calldata; the nonce is not in the calldata and must be supplied. */
export function decodeExecTransaction(calldata: string, nonce: bigint): { tx: SafeTx; signatures: string } {
  const d = SAFE_ABI.decodeFunctionData('execTransaction', calldata);
  return {
    tx: {
      to: getAddress(d[0] as string),
      value: d[1] as bigint,
      data: d[2] as string,
      operation: Number(d[3]),
      safeTxGas: d[4] as bigint,
      baseGas: d[5] as bigint,
      gasPrice: d[6] as bigint,
      gasToken: getAddress(d[7] as string),
      refundReceiver: getAddress(d[8] as string),
      nonce,
    },
    signatures: d[9] as string,
  };
}
