import { createHash } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1';

// DER SubjectPublicKeyInfo prefix for an uncompressed secp256k1 point:
// SEQUENCE { SEQUENCE { id-ecPublicKey, secp256k1 }, BIT STRING 0x00 || 04 X Y }.
const SPKI_PREFIX = Buffer.from('3056301006072a8648ce3d020106052b8104000a034200', 'hex');

export function newPrivateKey(): Uint8Array {
  return secp256k1.utils.randomPrivateKey();
}

/** The public key as AWS's GetPublicKey returns it: DER SubjectPublicKeyInfo, uncompressed point. */
export function publicKeySpki(privateKey: Uint8Array): Buffer {
  return Buffer.concat([SPKI_PREFIX, secp256k1.getPublicKey(privateKey, false)]);
}

export interface RawSignature {
  der: Buffer;
  highS: boolean;
}

/**
 * ECDSA over a 32-byte digest with a fresh random nonce, S left as it falls (AWS does not
 * normalise it), so about half of all signatures are high-S — the case the keys library must fix.
 */
export function signDigest(privateKey: Uint8Array, digest: Uint8Array): RawSignature {
  const sig = secp256k1.sign(digest, privateKey, { lowS: false, extraEntropy: true });
  return { der: Buffer.from(sig.toDERRawBytes()), highS: sig.hasHighS() };
}

/** Verifies a DER signature over a digest; high-S is accepted, as AWS's Verify does. */
export function verifyDigest(privateKey: Uint8Array, digest: Uint8Array, der: Uint8Array): boolean {
  try {
    const sig = secp256k1.Signature.fromDER(der);
    return secp256k1.verify(sig.toCompactRawBytes(), digest, secp256k1.getPublicKey(privateKey, true), { lowS: false });
  } catch {
    return false;
  }
}

export function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}
