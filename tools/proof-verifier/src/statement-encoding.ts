import { secp256k1 } from '@noble/curves/secp256k1';
import { bytesToHex, hexToBytes } from './encoding';
import { sha256 } from './hash';

/**
 * Signed statements of the custody (docs/proof-publication.md): the root statement over a published
 * root document and the user statement over one user's balances in it. Each is a text message of
 * `key=value` lines; every foreign string (snapshot id, user id) is written as the hex of its UTF-8
 * bytes, so no value can end a line or look like another field. The first line names the statement
 * and its version: a message of one kind is never a message of another.
 */
export const ROOT_STATEMENT = 'strongroom-root-statement-v1';
export const USER_STATEMENT = 'strongroom-user-statement-v1';
export const USER_STATEMENT_FORMAT = 'strongroom-user-statement';
export const USER_STATEMENT_VERSION = 1;
/** The attestation type a root signature is published under in the root document. */
export const CUSTODY_SIGNATURE = 'custody-signature';
/** The signature scheme of every statement: ECDSA over secp256k1 of SHA-256(message), low S. */
export const SIGNATURE_SCHEME = 'ecdsa-secp256k1-sha256';

const utf8 = new TextEncoder();
const hexText = (s: string): string => bytesToHex(utf8.encode(s));

export interface RootStatementFields {
  snapshotId: string;
  snapshotTime: string;
  assets: string[];
  depth: number;
  topHash: string;
  /** Canonical decimal strings keyed by asset code. */
  totals: Record<string, string>;
  root: string;
}

export interface UserStatementFields {
  snapshotId: string;
  snapshotTime: string;
  root: string;
  userId: string;
  assets: string[];
  balances: Record<string, string>;
  issuedAt: string;
}

const inOrder = (assets: string[], amounts: Record<string, string>): string => assets.map((a) => amounts[a]).join(',');

/** The root statement's bytes: the published document's fields, one line each, in this order. */
export function rootStatementMessage(f: RootStatementFields): Uint8Array {
  return utf8.encode(
    `${ROOT_STATEMENT}\n` +
      `snapshot=${hexText(f.snapshotId)}\n` +
      `time=${f.snapshotTime}\n` +
      `assets=${f.assets.join(',')}\n` +
      `depth=${f.depth}\n` +
      `topHash=${f.topHash}\n` +
      `totals=${inOrder(f.assets, f.totals)}\n` +
      `root=${f.root}\n`,
  );
}

/** The user statement's bytes: which snapshot and root, whose balances (in the asset order), when issued. */
export function userStatementMessage(f: UserStatementFields): Uint8Array {
  return utf8.encode(
    `${USER_STATEMENT}\n` +
      `snapshot=${hexText(f.snapshotId)}\n` +
      `time=${f.snapshotTime}\n` +
      `root=${f.root}\n` +
      `user=${hexText(f.userId)}\n` +
      `assets=${f.assets.join(',')}\n` +
      `balances=${inOrder(f.assets, f.balances)}\n` +
      `issued=${f.issuedAt}\n`,
  );
}

/** The 32 bytes the custody's publication key signs. */
export const statementDigest = (message: Uint8Array): Uint8Array => sha256(message);

const PUBLIC_KEY = /^0[23][0-9a-f]{64}$/;
const SCALAR = /^[0-9a-f]{64}$/;

/** A compressed secp256k1 public key: 33 bytes, 66 lower-case hex characters starting 02 or 03. */
export const isPublicKeyHex = (s: string): boolean => PUBLIC_KEY.test(s);

/** True when (r, s) is a low-S signature of `digest` by `publicKey`; malformed input is false. */
export function verifyStatementSignature(
  digest: Uint8Array,
  publicKey: string,
  signature: { r: string; s: string },
): boolean {
  if (!isPublicKeyHex(publicKey) || !SCALAR.test(signature.r) || !SCALAR.test(signature.s)) return false;
  try {
    const sig = new secp256k1.Signature(BigInt(`0x${signature.r}`), BigInt(`0x${signature.s}`));
    return secp256k1.verify(sig.toCompactRawBytes(), digest, hexToBytes(publicKey), { prehash: false, lowS: true });
  } catch {
    return false;
  }
}

/** A trusted key as given on a command line: hex, `0x` and surrounding space allowed, any case. */
export function normalisePublicKey(input: string): string | null {
  const s = input.trim().replace(/^0x/i, '').toLowerCase();
  return isPublicKeyHex(s) ? s : null;
}
