import { getAddress, Transaction } from 'ethers';
import type { RelayerTxParams } from '../types';

/**
 * The relayer's unsigned EIP-1559 transaction and the digest its KMS key must sign. Nonce and
 * fee caps are the caller's (the nonce is reserved in the database before this is called).
 */
export function buildRelayerTx(
  chainId: bigint,
  to: string,
  data: string,
  params: RelayerTxParams,
): { unsignedTx: string; digest: string } {
  if (params.maxPriorityFeePerGas > params.maxFeePerGas) throw new Error('maxPriorityFeePerGas exceeds maxFeePerGas');
  const tx = Transaction.from({
    type: 2,
    chainId,
    nonce: params.nonce,
    to: getAddress(to),
    data,
    value: 0n,
    gasLimit: params.gasLimit,
    maxFeePerGas: params.maxFeePerGas,
    maxPriorityFeePerGas: params.maxPriorityFeePerGas,
  });
  return { unsignedTx: tx.unsignedSerialized, digest: tx.unsignedHash };
}
