import { createHash } from 'node:crypto';
import { Psbt, Transaction } from 'bitcoinjs-lib';
import { parseCustodyWitnessScript } from './parse-custody-witness-script';

export interface InputDigest {
  input: number;
  /** BIP-143 signature hash with SIGHASH_ALL (hex). */
  digest: string;
  /** Keys of the input's script, in script order (hex). */
  keys: string[];
  threshold: number;
  witnessScript: Buffer;
}

/**
 * The BIP-143 digest every custody input must be signed over, recomputed from the PSBT alone:
 * each input must carry a witness UTXO whose P2WSH program is the hash of its witness script,
 * and that script must be a custody script.
 */
export function inputDigests(psbt: Psbt): InputDigest[] {
  const tx = Transaction.fromBuffer(psbt.data.globalMap.unsignedTx.toBuffer());
  return psbt.data.inputs.map((input, i) => {
    const { witnessUtxo, witnessScript } = input;
    if (!witnessUtxo || !witnessScript) throw new Error(`input ${i} lacks its witness UTXO or witness script`);
    const program = Buffer.concat([Buffer.from([0, 32]), createHash('sha256').update(witnessScript).digest()]);
    if (!program.equals(Buffer.from(witnessUtxo.script)))
      throw new Error(`input ${i}: witness script does not hash to the UTXO's script`);
    const parts = parseCustodyWitnessScript(Buffer.from(witnessScript));
    if (!parts) throw new Error(`input ${i} is not a custody script`);
    const digest = tx.hashForWitnessV0(i, Buffer.from(witnessScript), witnessUtxo.value, Transaction.SIGHASH_ALL);
    return {
      input: i,
      digest: Buffer.from(digest).toString('hex'),
      keys: parts.keys.map((k) => k.toString('hex')),
      threshold: parts.threshold,
      witnessScript: Buffer.from(witnessScript),
    };
  });
}
