import { sha256 as nobleSha256 } from '@noble/hashes/sha2';

/** SHA-256 (FIPS 180-4). @noble/hashes so the same code runs in Node and in the browser page. */
export function sha256(message: Uint8Array): Uint8Array {
  return nobleSha256(message);
}
