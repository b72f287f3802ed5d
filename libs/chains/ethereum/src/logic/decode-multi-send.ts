import { dataSlice, getAddress, getBytes, hexlify, toBigInt } from 'ethers';
import { MULTI_SEND_ABI } from '../constants';
import type { MultiSendCall } from '../types';

/** Decodes `multiSend(bytes)` calldata into its calls; throws if the packing is cut short or the call is not multiSend. */
export function decodeMultiSend(calldata: string): MultiSendCall[] {
  const [packed] = MULTI_SEND_ABI.decodeFunctionData('multiSend', calldata) as unknown as [string];
  const bytes = getBytes(packed);
  const calls: MultiSendCall[] = [];
  let i = 0;
  while (i < bytes.length) {
    if (i + 85 > bytes.length) throw new Error('multiSend packing is truncated');
    const operation = bytes[i];
    const to = getAddress(dataSlice(bytes, i + 1, i + 21));
    const value = toBigInt(bytes.subarray(i + 21, i + 53));
    const len = toBigInt(bytes.subarray(i + 53, i + 85));
    if (BigInt(i + 85) + len > BigInt(bytes.length)) throw new Error('multiSend call data is truncated');
    const data = hexlify(bytes.subarray(i + 85, i + 85 + Number(len)));
    calls.push({ operation, to, value, data });
    i += 85 + Number(len);
  }
  return calls;
}
