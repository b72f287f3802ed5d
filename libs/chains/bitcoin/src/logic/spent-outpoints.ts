import { Psbt, Transaction } from 'bitcoinjs-lib';
import { outpointKey } from './custody-utxo';

/** An input of a transaction: the output it spends (txid in display order). */
export interface SpentOutput {
  txid: string;
  vout: number;
}

/** The outputs a raw transaction (hex) spends, in input order. */
export function inputsOfRaw(raw: string): SpentOutput[] {
  return Transaction.fromHex(raw).ins.map((i) => ({
    txid: Buffer.from(i.hash).reverse().toString('hex'),
    vout: i.index,
  }));
}

/** The outputs an unsigned PSBT (base64) spends, as `outpointKey`s (the reservations' key). */
export function outpointsOfPsbt(payload: string): string[] {
  const tx = Transaction.fromBuffer(Psbt.fromBase64(payload).data.globalMap.unsignedTx.toBuffer());
  return tx.ins.map((i) => outpointKey(Buffer.from(i.hash).reverse().toString('hex'), i.index));
}
