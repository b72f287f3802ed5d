import { AMOUNT_BYTES, ASSET_CODE, HASH_BYTES, MAX_ASSETS, MAX_ID_BYTES, NONCE_BYTES, TAG, VERSION } from './format';

/** 2^256: amounts and every sum must stay below it. */
export const AMOUNT_LIMIT = 1n << 256n;
const DECIMAL = /^(0|[1-9][0-9]{0,77})$/;
const HEX32 = /^[0-9a-f]{64}$/;
const utf8 = new TextEncoder();

export class FormatError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'FormatError';
  }
}

/** Parses a canonical decimal amount (no sign, no leading zeros, below 2^256). */
export function parseAmount(value: unknown, field: string): bigint {
  if (typeof value !== 'string' || !DECIMAL.test(value)) {
    throw new FormatError(field, `expected a non-negative integer as a decimal string, got ${JSON.stringify(value)}`);
  }
  const v = BigInt(value);
  if (v >= AMOUNT_LIMIT) throw new FormatError(field, 'exceeds 2^256-1');
  return v;
}

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

export function parseHash(value: unknown, field: string): Uint8Array {
  if (typeof value !== 'string' || !HEX32.test(value))
    throw new FormatError(field, 'expected 64 lower-case hex characters');
  return hexToBytes(value);
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** UTF-8 bytes of an identifier, 1–255 bytes. */
export function idBytes(value: unknown, field: string): Uint8Array {
  if (typeof value !== 'string' || value.length === 0) throw new FormatError(field, 'expected a non-empty string');
  const b = utf8.encode(value);
  if (b.length > MAX_ID_BYTES) throw new FormatError(field, `longer than ${MAX_ID_BYTES} UTF-8 bytes`);
  return b;
}

export function checkAssets(assets: unknown): string[] {
  if (!Array.isArray(assets) || assets.length === 0 || assets.length > MAX_ASSETS) {
    throw new FormatError('assets', `expected 1–${MAX_ASSETS} asset codes`);
  }
  const seen = new Set<string>();
  for (const a of assets) {
    if (typeof a !== 'string' || !ASSET_CODE.test(a))
      throw new FormatError('assets', `invalid asset code ${JSON.stringify(a)}`);
    if (seen.has(a)) throw new FormatError('assets', `duplicate asset code ${a}`);
    seen.add(a);
  }
  return assets as string[];
}

function concat(parts: (Uint8Array | number[])[]): Uint8Array {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** context = [0x04, v, len(snapshotId), snapshotId, count, (len(code), code)*]: what every leaf and the root are bound to. */
export function contextMessage(snapshotId: string, assets: string[]): Uint8Array {
  const sid = idBytes(snapshotId, 'snapshotId');
  const codes = checkAssets(assets).map((a) => utf8.encode(a));
  return concat([[TAG.context, VERSION, sid.length], sid, [codes.length], ...codes.flatMap((c) => [[c.length], c])]);
}

/** commitment = [0x05, v, context hash, nonce, len(userId), userId]: hides the user id behind the per-user nonce. */
export function commitmentMessage(context: Uint8Array, nonce: Uint8Array, userId: Uint8Array): Uint8Array {
  if (context.length !== HASH_BYTES || nonce.length !== NONCE_BYTES)
    throw new RangeError('context and nonce must be 32 bytes');
  return concat([[TAG.commitment, VERSION], context, nonce, [userId.length], userId]);
}

/** leaf = [0x00, v, commitment, balance_1 … balance_n] (u256 each, in asset order). */
export function leafMessage(commitment: Uint8Array, balances: bigint[]): Uint8Array {
  const out = new Uint8Array(2 + HASH_BYTES + AMOUNT_BYTES * balances.length);
  out[0] = TAG.leaf;
  out[1] = VERSION;
  out.set(commitment, 2);
  balances.forEach((b, i) => writeU256(b, out, 2 + HASH_BYTES + AMOUNT_BYTES * i));
  return out;
}

/** node = [0x01, v, left hash, left sums, right hash, right sums]: the parent commits to each child's sums. */
export function nodeMessage(
  leftHash: Uint8Array,
  leftSums: bigint[],
  rightHash: Uint8Array,
  rightSums: bigint[],
): Uint8Array {
  const n = leftSums.length;
  const half = HASH_BYTES + AMOUNT_BYTES * n;
  const out = new Uint8Array(2 + 2 * half);
  out[0] = TAG.node;
  out[1] = VERSION;
  out.set(leftHash, 2);
  leftSums.forEach((s, i) => writeU256(s, out, 2 + HASH_BYTES + AMOUNT_BYTES * i));
  out.set(rightHash, 2 + half);
  rightSums.forEach((s, i) => writeU256(s, out, 2 + half + HASH_BYTES + AMOUNT_BYTES * i));
  return out;
}

/** padding leaf = [0x02, v, context hash], with all sums zero: fills the tree up to a power of two. */
export function paddingMessage(context: Uint8Array): Uint8Array {
  return concat([[TAG.padding, VERSION], context]);
}

/** root = [0x03, v, context hash, depth, top hash, totals]: the one value that is published. */
export function rootMessage(context: Uint8Array, depth: number, topHash: Uint8Array, totals: bigint[]): Uint8Array {
  const out = new Uint8Array(2 + HASH_BYTES + 1 + HASH_BYTES + AMOUNT_BYTES * totals.length);
  out[0] = TAG.root;
  out[1] = VERSION;
  out.set(context, 2);
  out[2 + HASH_BYTES] = depth;
  out.set(topHash, 3 + HASH_BYTES);
  totals.forEach((t, i) => writeU256(t, out, 3 + 2 * HASH_BYTES + AMOUNT_BYTES * i));
  return out;
}

/** Per-asset amounts from a JSON map that must hold exactly the published assets. */
export function amountsInOrder(map: unknown, assets: string[], field: string): bigint[] {
  if (typeof map !== 'object' || map === null || Array.isArray(map))
    throw new FormatError(field, 'expected an object of asset → amount');
  const record = map as Record<string, unknown>;
  const extra = Object.keys(record).filter((k) => !assets.includes(k));
  if (extra.length > 0) throw new FormatError(field, `unknown asset(s) ${extra.join(', ')}`);
  return assets.map((a) => {
    if (!(a in record)) throw new FormatError(field, `missing asset ${a}`);
    return parseAmount(record[a], `${field}.${a}`);
  });
}

export function amountMap(assets: string[], values: bigint[]): Record<string, string> {
  return Object.fromEntries(assets.map((a, i) => [a, values[i].toString()]));
}
