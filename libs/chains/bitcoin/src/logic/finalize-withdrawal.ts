import { secp256k1 } from '@noble/curves/secp256k1';
import { ChainErrors, type DigestSignature } from '@strongroom/chains-core';
import { domainError } from '@strongroom/shared-types';
import { Psbt, Transaction, script as bscript } from 'bitcoinjs-lib';
import { inputDigests } from './input-digests';

const N = secp256k1.CURVE.n;

/**
 * Assembles each input's witness `[<empty>, sig…, witnessScript]` from signatures over the
 * recomputed digests: each is verified against its key and digest, normalised to low-S, DER
 * encoded with SIGHASH_ALL, and placed in the order the keys appear in the script (as
 * OP_CHECKMULTISIG requires). The first `threshold` valid keys in script order are used.
 */
export function finalizeWithdrawal(psbt: Psbt, signatures: DigestSignature[]): { txid: string; raw: string } {
  const tx = Transaction.fromBuffer(psbt.data.globalMap.unsignedTx.toBuffer());
  for (const d of inputDigests(psbt)) {
    const digest = Buffer.from(d.digest, 'hex');
    const chosen: Buffer[] = [];
    for (const key of d.keys) {
      if (chosen.length === d.threshold) break;
      const sig = signatures.find(
        (s) => s.publicKey.toLowerCase() === key && s.digest.toLowerCase() === d.digest && verifies(s, digest, key),
      );
      if (!sig) continue;
      let s = BigInt(`0x${sig.s}`);
      if (s > N / 2n) s = N - s;
      const rs = Buffer.concat([
        Buffer.from(BigInt(`0x${sig.r}`).toString(16).padStart(64, '0'), 'hex'),
        Buffer.from(s.toString(16).padStart(64, '0'), 'hex'),
      ]);
      chosen.push(Buffer.from(bscript.signature.encode(rs, Transaction.SIGHASH_ALL)));
    }
    if (chosen.length < d.threshold) {
      throw domainError(
        ChainErrors['withdrawal.signatures_missing'],
        `input ${d.input} has ${chosen.length} valid signatures of the ${d.threshold} it needs`,
        {
          input: d.input,
        },
      );
    }
    tx.setWitness(d.input, [Buffer.alloc(0), ...chosen, d.witnessScript]);
  }
  return { txid: tx.getId(), raw: tx.toHex() };
}

function verifies(sig: DigestSignature, digest: Uint8Array, key: string): boolean {
  try {
    const r = BigInt(`0x${sig.r}`);
    const s = BigInt(`0x${sig.s}`);
    return secp256k1.verify(new secp256k1.Signature(r, s).toCompactRawBytes(), digest, Buffer.from(key, 'hex'), {
      lowS: false,
      prehash: false,
    });
  } catch {
    return false;
  }
}
