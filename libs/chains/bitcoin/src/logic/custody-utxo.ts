/** A custody output the wallet can spend (amounts in satoshi). */
export interface CustodyUtxo {
  txid: string;
  vout: number;
  value: bigint;
  /** scriptPubKey (hex, P2WSH). */
  script: string;
  /** The witness script behind `script` (hex). */
  witnessScript: string;
  address: string;
  /** Block height it was mined at; -1 while unconfirmed. */
  height: number;
}

/** The key the UTXO set and scanBlock share: internal-order txid hex + ':' + vout. */
export function outpointKey(txid: string, vout: number): string {
  return `${Buffer.from(txid, 'hex').reverse().toString('hex')}:${vout}`;
}
