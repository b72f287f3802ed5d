import type { IntendedOutput } from '@strongroom/chains-core';
import { getAddress } from 'ethers';
import { ERC20_ABI, OPERATION_CALL, OPERATION_DELEGATECALL, SAFE_V141, ZERO_ADDRESS } from '../constants';
import type { MultiSendCall, SafeTx } from '../types';
import { encodeMultiSend } from './encode-multi-send';

/**
 * The Safe transaction paying `outputs`: one output is a direct CALL (ETH value, or the token's
 * `transfer`); several go through MultiSendCallOnly by DELEGATECALL, the only delegatecall we
 * ever make. No refunds: safeTxGas, baseGas and gasPrice are 0, so the relayer pays and a failing
 * inner call reverts the whole execTransaction (Safe GS013) instead of being recorded as failed.
 */
export function buildSafeTx(
  outputs: Omit<IntendedOutput, 'ref'>[],
  tokenOf: (asset: string) => string | null,
  nonce: bigint,
  nativeAsset = 'ETH',
): SafeTx {
  if (outputs.length === 0) throw new Error('a withdrawal batch needs at least one output');
  const calls: MultiSendCall[] = outputs.map((o) => {
    if (o.amount <= 0n) throw new Error(`output amount must be positive, got ${o.amount}`);
    const to = getAddress(o.address);
    if (o.asset === nativeAsset) return { operation: OPERATION_CALL, to, value: o.amount, data: '0x' };
    const token = tokenOf(o.asset);
    if (!token) throw new Error(`asset ${o.asset} has no token contract on this chain`);
    return {
      operation: OPERATION_CALL,
      to: getAddress(token),
      value: 0n,
      data: ERC20_ABI.encodeFunctionData('transfer', [to, o.amount]),
    };
  });
  const common = {
    safeTxGas: 0n,
    baseGas: 0n,
    gasPrice: 0n,
    gasToken: ZERO_ADDRESS,
    refundReceiver: ZERO_ADDRESS,
    nonce,
  };
  if (calls.length === 1) return { ...calls[0], ...common };
  return {
    to: SAFE_V141.multiSendCallOnly.address,
    value: 0n,
    data: encodeMultiSend(calls),
    operation: OPERATION_DELEGATECALL,
    ...common,
  };
}
