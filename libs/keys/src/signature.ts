import { secp256k1 } from '@noble/curves/secp256k1';
import { script } from 'bitcoinjs-lib';
import * as ecc from 'tiny-secp256k1';

/** An ECDSA signature with S normalised to the lower half and the recovery bit found. */
export interface LowSSignature {
  r: bigint;
  /** Always ≤ n/2 (BIP-62 / EIP-2). */
  s: bigint;
  recovery: 0 | 1;
}

export interface EthereumSignature {
  r: string;
  s: string;
  v: 27 | 28;
  yParity: 0 | 1;
  /** 0x r ‖ s ‖ v, 65 bytes (the form Safe and `personal_sign` use). */
  serialized: string;
}

const N = secp256k1.CURVE.n;
const HALF_N = N >> 1n;

export class SignatureCheckError extends Error {}

/** r and s of a DER ECDSA signature, strictly parsed (KMS returns DER without a sighash byte). */
export function parseDerSignature(der: Uint8Array): { r: bigint; s: bigint } {
  let sig: { r: bigint; s: bigint };
  try {
    sig = secp256k1.Signature.fromDER(der);
  } catch (err) {
    throw new SignatureCheckError(`KMS returned a signature that is not valid DER: ${(err as Error).message}`);
  }
  if (sig.r <= 0n || sig.r >= N || sig.s <= 0n || sig.s >= N)
    throw new SignatureCheckError('KMS returned a signature with r or s out of range');
  return { r: sig.r, s: sig.s };
}

/**
 * Normalises (r, s) to low-S, finds the recovery bit against the known public key and verifies
 * the result strictly. Anything that does not check out is refused: a signature that does not
 * verify must never leave the library.
 */
export function normaliseSignature(
  r: bigint,
  s: bigint,
  digest: Uint8Array,
  publicKey: Uint8Array,
): LowSSignature & { wasHighS: boolean } {
  const wasHighS = s > HALF_N;
  const low = wasHighS ? N - s : s;
  const compact = compact64(r, low);
  if (!ecc.verify(digest, publicKey, compact, true)) {
    throw new SignatureCheckError('the KMS signature does not verify against the key’s public key');
  }
  const target = Buffer.from(ecc.pointCompress(publicKey, true));
  for (const recovery of [0, 1] as const) {
    const q = ecc.recover(digest, compact, recovery, true);
    if (q && target.equals(Buffer.from(q))) return { r, s: low, recovery, wasHighS };
  }
  // Recovery ids 2 and 3 (r ≥ n − p) have probability ~2^-128; refuse rather than mis-encode.
  throw new SignatureCheckError('no recovery id reproduces the key’s public key');
}

/** Bitcoin's form: strict DER of the low-S signature followed by the sighash type byte. */
export function bitcoinSignature(sig: LowSSignature, sighashType = 0x01): Uint8Array {
  return script.signature.encode(compact64(sig.r, sig.s), sighashType);
}

/** Ethereum's forms: r, s, v = 27 + yParity, and the 65-byte r ‖ s ‖ v. */
export function ethereumSignature(sig: LowSSignature): EthereumSignature {
  const r = `0x${sig.r.toString(16).padStart(64, '0')}`;
  const s = `0x${sig.s.toString(16).padStart(64, '0')}`;
  const v = (27 + sig.recovery) as 27 | 28;
  return { r, s, v, yParity: sig.recovery, serialized: `${r}${s.slice(2)}${v.toString(16)}` };
}

function compact64(r: bigint, s: bigint): Uint8Array {
  return new Uint8Array(Buffer.from(r.toString(16).padStart(64, '0') + s.toString(16).padStart(64, '0'), 'hex'));
}
