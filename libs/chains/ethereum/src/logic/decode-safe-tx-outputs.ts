import { IntentMismatchError, type IntendedOutput } from '@strongroom/chains-core';
import { getAddress } from 'ethers';
import {
  ERC20_ABI,
  ERC20_TRANSFER_SELECTOR as TRANSFER_SELECTOR,
  OPERATION_CALL,
  OPERATION_DELEGATECALL,
  SAFE_V141,
  ZERO_ADDRESS,
} from '../constants';
import type { MultiSendCall, SafeTx } from '../types';
import { decodeMultiSend } from './decode-multi-send';

function decodeCall(
  call: MultiSendCall,
  assetOf: (token: string) => string | null,
  nativeAsset: string,
): Omit<IntendedOutput, 'ref'> {
  if (call.operation !== OPERATION_CALL)
    throw new IntentMismatchError('a batched call is not a plain CALL', { to: call.to });
  if (call.data === '0x') {
    if (call.value <= 0n) throw new IntentMismatchError('a call moves no value and has no data', { to: call.to });
    return { address: getAddress(call.to), asset: nativeAsset, amount: call.value };
  }
  const asset = assetOf(call.to);
  if (!asset)
    throw new IntentMismatchError(`the transaction calls ${call.to}, which is not a configured token`, { to: call.to });
  if (call.value !== 0n) throw new IntentMismatchError('a token call also sends ETH', { to: call.to });
  if (!call.data.toLowerCase().startsWith(TRANSFER_SELECTOR))
    throw new IntentMismatchError('a token call is not transfer(address,uint256)', { to: call.to });
  let to: string;
  let amount: bigint;
  try {
    const decoded = ERC20_ABI.decodeFunctionData('transfer', call.data);
    to = decoded[0] as string;
    amount = decoded[1] as bigint;
  } catch {
    throw new IntentMismatchError('a token transfer cannot be decoded', { to: call.to });
  }
  // Re-encoding must give the same bytes: no trailing data smuggled past the decoder.
  if (ERC20_ABI.encodeFunctionData('transfer', [to, amount]) !== call.data.toLowerCase()) {
    throw new IntentMismatchError('a token transfer carries extra data', { to: call.to });
  }
  return { address: getAddress(to), asset, amount };
}

/**
 * Decodes what a Safe transaction pays, from its own fields only: a direct ETH or token transfer,
 * or a MultiSendCallOnly batch of those. Anything else — another delegatecall target, a refund
 * (gas price, refund receiver), a call to an unknown contract, an unknown function — throws
 * IntentMismatchError, so nothing unrecognised is ever signed.
 */
export function decodeSafeTxOutputs(
  tx: SafeTx,
  assetOf: (token: string) => string | null,
  nativeAsset = 'ETH',
): Omit<IntendedOutput, 'ref'>[] {
  if (
    tx.safeTxGas !== 0n ||
    tx.baseGas !== 0n ||
    tx.gasPrice !== 0n ||
    tx.gasToken !== ZERO_ADDRESS ||
    tx.refundReceiver !== ZERO_ADDRESS
  ) {
    throw new IntentMismatchError('the Safe transaction asks for a gas refund', {});
  }
  if (tx.operation === OPERATION_DELEGATECALL) {
    if (getAddress(tx.to) !== SAFE_V141.multiSendCallOnly.address) {
      throw new IntentMismatchError(`delegatecall to ${tx.to}: only MultiSendCallOnly may be delegatecalled`, {
        to: tx.to,
      });
    }
    if (tx.value !== 0n) throw new IntentMismatchError('a MultiSend delegatecall carries value', {});
    let calls: MultiSendCall[];
    try {
      calls = decodeMultiSend(tx.data);
    } catch (err) {
      throw new IntentMismatchError(`the MultiSend batch cannot be decoded: ${(err as Error).message}`, {});
    }
    return calls.map((c) => decodeCall(c, assetOf, nativeAsset));
  }
  if (tx.operation !== OPERATION_CALL) throw new IntentMismatchError(`unknown Safe operation ${tx.operation}`, {});
  return [decodeCall({ operation: OPERATION_CALL, to: tx.to, value: tx.value, data: tx.data }, assetOf, nativeAsset)];
}
