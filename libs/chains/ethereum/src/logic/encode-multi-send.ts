import { concat, dataLength, getAddress, toBeHex, zeroPadValue } from 'ethers';
import { MULTI_SEND_ABI } from '../constants';
import type { MultiSendCall } from '../types';

/**
 * `multiSend(bytes)` calldata: each call packed as operation (1 byte) ‖ to (20) ‖ value (32) ‖
 * data length (32) ‖ data, as MultiSendCallOnly expects.
 */
export function encodeMultiSend(calls: MultiSendCall[]): string {
  const packed = concat(
    calls.map((c) =>
      concat([
        toBeHex(c.operation, 1),
        getAddress(c.to),
        zeroPadValue(toBeHex(c.value), 32),
        zeroPadValue(toBeHex(dataLength(c.data)), 32),
        c.data,
      ]),
    ),
  );
  return MULTI_SEND_ABI.encodeFunctionData('multiSend', [packed]);
}
