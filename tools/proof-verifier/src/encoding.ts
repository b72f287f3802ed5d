import {
  AMOUNT_BYTES,
  HASH_BYTES,
  MAX_ASSETS,
  MAX_DEPTH,
  MAX_ID_BYTES,
  NONCE_BYTES,
  NONCE_LABEL,
  TAG,
  type FormatVersion,
} from './format';

/**
 * The byte layouts of docs/proof-of-liabilities.md § messages, for both format versions. Inputs
 * are assumed checked (documents.ts does it for the verifier, liability-tree.ts for the prover);
 * what would make a layout ambiguous is still refused here, as a programming error.
 */

/** 2^256: amounts and every sum must stay below it. */
export const AMOUNT_LIMIT = 1n << 256n;
const utf8 = new TextEncoder();

/** Writes `value` as a u256 big-endian into `out` at `offset`. */
export function writeU256(value: bigint, out: Uint8Array, offset: number): void {
  if (value < 0n || value >= AMOUNT_LIMIT) throw new RangeError(`amount out of u256 range: ${value}`);
  let v = value;
  for (let i = AMOUNT_BYTES - 1; i >= 0; i--) {
    out[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

export function readU256(bytes: Uint8Array, offset: number): bigint {
  let v = 0n;
  for (let i = 0; i < AMOUNT_BYTES; i++) v = (v << 8n) | BigInt(bytes[offset + i]);
  return v;
}

export function hexToBytes(hex: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new RangeError('not hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** str(s) = u8(len) ‖ UTF-8(s), 1 ≤ len ≤ 255. */
export function str(s: string): Uint8Array {
  const b = utf8.encode(s);
  if (b.length === 0 || b.length > MAX_ID_BYTES) throw new RangeError(`str() takes 1-${MAX_ID_BYTES} bytes`);
  return concat([[b.length], b]);
}

export function concat(parts: (Uint8Array | number[])[]): Uint8Array {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface ContextFields {
  version: FormatVersion;
  snapshotId: string;
  /** Version 2 only. */
  snapshotTime?: string;
  assets: string[];
}

/**
 * context X = H(04 ‖ v ‖ str(snapshotId) ‖ [v2: str(snapshotTime)] ‖ u8(n) ‖ str(asset_1) … str(asset_n)):
 * what every leaf, padding leaf and the root are bound to.
 */
export function contextMessage({ version, snapshotId, snapshotTime, assets }: ContextFields): Uint8Array {
  if (assets.length === 0 || assets.length > MAX_ASSETS) throw new RangeError(`1-${MAX_ASSETS} assets`);
  if ((version === 2) !== (snapshotTime !== undefined)) throw new RangeError('snapshotTime is bound in version 2 only');
  const time = snapshotTime === undefined ? [] : [str(snapshotTime)];
  return concat([[TAG.context, version], str(snapshotId), ...time, [assets.length], ...assets.map(str)]);
}

/** nonce message = label ‖ salt ‖ X ‖ str(userId) (prover side; the label is ASCII, no length prefix). */
export function nonceMessage(
  version: FormatVersion,
  salt: Uint8Array,
  context: Uint8Array,
  userId: string,
): Uint8Array {
  if (salt.length !== 32 || context.length !== HASH_BYTES) throw new RangeError('salt and context must be 32 bytes');
  return concat([utf8.encode(NONCE_LABEL[version]), salt, context, str(userId)]);
}

/** commitment C = H(05 ‖ v ‖ X ‖ nonce ‖ str(userId)): hides the user id behind the per-user nonce. */
export function commitmentMessage(
  version: FormatVersion,
  context: Uint8Array,
  nonce: Uint8Array,
  userId: string,
): Uint8Array {
  if (context.length !== HASH_BYTES || nonce.length !== NONCE_BYTES)
    throw new RangeError('context and nonce must be 32 bytes');
  return concat([[TAG.commitment, version], context, nonce, str(userId)]);
}

/** leaf = H(00 ‖ v ‖ C ‖ u256(balance_1) … u256(balance_n)), in asset order. */
export function leafMessage(version: FormatVersion, commitment: Uint8Array, balances: bigint[]): Uint8Array {
  const out = new Uint8Array(2 + HASH_BYTES + AMOUNT_BYTES * balances.length);
  out[0] = TAG.leaf;
  out[1] = version;
  out.set(commitment, 2);
  balances.forEach((b, i) => writeU256(b, out, 2 + HASH_BYTES + AMOUNT_BYTES * i));
  return out;
}

/** node = H(01 ‖ v ‖ left hash ‖ left sums ‖ right hash ‖ right sums): the parent commits to each child's sums. */
export function nodeMessage(
  version: FormatVersion,
  leftHash: Uint8Array,
  leftSums: bigint[],
  rightHash: Uint8Array,
  rightSums: bigint[],
): Uint8Array {
  const n = leftSums.length;
  const half = HASH_BYTES + AMOUNT_BYTES * n;
  const out = new Uint8Array(2 + 2 * half);
  out[0] = TAG.node;
  out[1] = version;
  out.set(leftHash, 2);
  leftSums.forEach((s, i) => writeU256(s, out, 2 + HASH_BYTES + AMOUNT_BYTES * i));
  out.set(rightHash, 2 + half);
  rightSums.forEach((s, i) => writeU256(s, out, 2 + half + HASH_BYTES + AMOUNT_BYTES * i));
  return out;
}

/** padding leaf = H(02 ‖ v ‖ X), with all sums zero: fills the tree up to a power of two. */
export function paddingMessage(version: FormatVersion, context: Uint8Array): Uint8Array {
  return concat([[TAG.padding, version], context]);
}

/** root R = H(03 ‖ v ‖ X ‖ u8(depth) ‖ top hash ‖ u256(total_1) … u256(total_n)): commits to the totals. */
export function rootMessage(
  version: FormatVersion,
  context: Uint8Array,
  depth: number,
  topHash: Uint8Array,
  totals: bigint[],
): Uint8Array {
  if (!Number.isInteger(depth) || depth < 0 || depth > MAX_DEPTH) throw new RangeError(`depth 0-${MAX_DEPTH}`);
  const out = new Uint8Array(2 + HASH_BYTES + 1 + HASH_BYTES + AMOUNT_BYTES * totals.length);
  out[0] = TAG.root;
  out[1] = version;
  out.set(context, 2);
  out[2 + HASH_BYTES] = depth;
  out.set(topHash, 3 + HASH_BYTES);
  totals.forEach((t, i) => writeU256(t, out, 3 + 2 * HASH_BYTES + AMOUNT_BYTES * i));
  return out;
}

export function amountMap(assets: string[], values: bigint[]): Record<string, string> {
  return Object.fromEntries(assets.map((a, i) => [a, values[i].toString()]));
}
