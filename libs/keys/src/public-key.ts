import { createPublicKey } from 'node:crypto';
import { computeAddress } from 'ethers';
import * as ecc from 'tiny-secp256k1';

/** A KMS key's secp256k1 public key in the forms the chains need. */
export interface KmsPublicKey {
  /** The identifier the caller used (key id, ARN or alias). */
  keyId: string;
  /** 33-byte SEC1 compressed point (Bitcoin). */
  compressed: Uint8Array;
  /** 65-byte SEC1 uncompressed point (0x04 ‖ X ‖ Y). */
  uncompressed: Uint8Array;
  compressedHex: string;
  /** EIP-55 checksummed address. */
  ethereumAddress: string;
  /** The key's ARN as KMS reports it (an alias resolves to the key behind it). */
  keyArn?: string;
}

/**
 * Decodes the DER SubjectPublicKeyInfo that GetPublicKey returns. Node's X.509 parser does the
 * ASN.1 and confirms the curve is secp256k1 (not P-256, which KMS also offers).
 */
export function publicKeyFromSpki(keyId: string, spki: Uint8Array, keyArn?: string): KmsPublicKey {
  let jwk: { crv?: string; x?: string; y?: string };
  try {
    jwk = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).export({ format: 'jwk' });
  } catch (err) {
    throw new Error(
      `KMS returned a public key for ${keyId} that is not valid DER SubjectPublicKeyInfo: ${(err as Error).message}`,
    );
  }
  if (jwk.crv !== 'secp256k1' || !jwk.x || !jwk.y) {
    throw new Error(`KMS key ${keyId} is on curve ${jwk.crv ?? 'unknown'}, not secp256k1`);
  }
  const uncompressed = new Uint8Array(
    Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]),
  );
  return publicKeyFromPoint(keyId, uncompressed, keyArn);
}

/** The KmsPublicKey forms of a SEC1 point (compressed or uncompressed). */
export function publicKeyFromPoint(keyId: string, point: Uint8Array, keyArn?: string): KmsPublicKey {
  if (!ecc.isPoint(point)) throw new Error(`public key of ${keyId} is not a secp256k1 point`);
  const compressed = ecc.pointCompress(point, true);
  const uncompressed = ecc.pointCompress(point, false);
  return {
    keyId,
    compressed,
    uncompressed,
    compressedHex: Buffer.from(compressed).toString('hex'),
    ethereumAddress: computeAddress(`0x${Buffer.from(uncompressed).toString('hex')}`),
    ...(keyArn ? { keyArn } : {}),
  };
}
