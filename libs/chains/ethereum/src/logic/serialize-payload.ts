import type { EthereumPayload } from '../types';

/** JSON for `UnsignedChainTx.payload`: bigints become `{"$n":"…"}` so parsing restores them exactly. */
export function serializePayload(payload: EthereumPayload): string {
  return JSON.stringify(payload, (_k, v: unknown) => (typeof v === 'bigint' ? { $n: v.toString() } : v));
}
