import { TypedDataEncoder } from 'ethers';
import type { SafeTx } from '../types';

const TYPES = {
  SafeTx: [
    { name: 'to', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'data', type: 'bytes' },
    { name: 'operation', type: 'uint8' },
    { name: 'safeTxGas', type: 'uint256' },
    { name: 'baseGas', type: 'uint256' },
    { name: 'gasPrice', type: 'uint256' },
    { name: 'gasToken', type: 'address' },
    { name: 'refundReceiver', type: 'address' },
    { name: 'nonce', type: 'uint256' },
  ],
};

/** The EIP-712 SafeTx hash (Safe ≥1.3 domain: chainId + verifyingContract): the digest each owner key signs. */
export function safeTxHash(chainId: bigint, safe: string, tx: SafeTx): string {
  return TypedDataEncoder.hash({ chainId, verifyingContract: safe }, TYPES, tx);
}
