import { hash as nodeHash } from 'node:crypto';
import {
  AMOUNT_BYTES,
  FORMAT,
  HASH_BYTES,
  MAX_DEPTH,
  MAX_ID_BYTES,
  TAG,
  VERSION,
  amountMap,
  bytesToHex,
  contextMessage,
  paddingMessage,
  rootMessage,
  type InclusionProof,
  type PublishedRoot,
} from '@strongroom/proof-verifier';
import { unprocessable, type AssetCode } from '@strongroom/shared-types';

/** One user's balances at the snapshot; a missing asset counts as zero. */
export interface UserBalances {
  userId: string;
  balances: Partial<Record<AssetCode, bigint>>;
}

export interface LiabilityTreeInput {
  snapshotId: string;
  /** Published asset order; every amount in the tree is laid out in this order. */
  assets: AssetCode[];
  /** 32 secret random bytes per snapshot, kept by the operator: every user's nonce derives from it. */
  salt: Uint8Array;
  users: readonly UserBalances[];
}

const NONCE_LABEL = Buffer.from('strongroom-pol-v1-nonce', 'ascii');
const U256_LIMIT = 1n << 256n;
const U64_LIMIT = 1n << 64n;

const sha256 = (message: Buffer): Buffer => nodeHash('sha256', message, 'buffer') as unknown as Buffer;

/**
 * A Merkle sum tree over a snapshot's user balances (format v1, docs/proof-of-liabilities.md).
 * Each level is one Buffer of fixed-size records `[hash | sums]`, so a parent's hashed message is
 * the tag, the version and the two adjacent child records copied in one go. node:crypto's one-shot
 * `hash` is used here (measured faster than @noble/hashes for many small inputs); the verifier uses
 * @noble/hashes, so the tests cross-check two SHA-256 implementations.
 */
export class LiabilityTree {
  private indexByUser?: Map<string, number>;

  private constructor(
    readonly snapshotId: string,
    readonly assets: AssetCode[],
    readonly depth: number,
    readonly root: string,
    readonly totals: Record<AssetCode, bigint>,
    /** levels[k] holds the real (non-padding) nodes of level k, rounded up to an even count. */
    private readonly levels: Buffer[],
    /** The all-padding subtree record of each level. */
    private readonly padding: Buffer[],
    private readonly userIds: string[],
    private readonly nonces: Buffer,
  ) {}

  get userCount(): number {
    return this.userIds.length;
  }

  static build(input: LiabilityTreeInput): LiabilityTree {
    const { snapshotId, assets, users } = input;
    if (input.salt.length !== 32) throw unprocessable('proof.salt_length', 'the snapshot salt must be 32 bytes');
    const context = sha256(Buffer.from(contextMessage(snapshotId, assets)));
    const n = users.length;
    let depth = 0;
    while (2 ** depth < n) depth++;
    if (depth > MAX_DEPTH) throw unprocessable('proof.too_many_users', `at most 2^${MAX_DEPTH} users`);
    const rec = HASH_BYTES + AMOUNT_BYTES * assets.length;

    const nonces = deriveNonces(input.salt, context, users);
    const order = orderByNonce(nonces, n);

    // Leaves, in nonce order: the position of a leaf says nothing about the user id.
    const width0 = n + (n % 2);
    const leaves = Buffer.alloc(Math.max(width0, 1) * rec);
    const commitMsg = Buffer.alloc(2 + 2 * HASH_BYTES + 1 + MAX_ID_BYTES);
    commitMsg[0] = TAG.commitment;
    commitMsg[1] = VERSION;
    context.copy(commitMsg, 2);
    const leafMsg = Buffer.alloc(2 + rec);
    leafMsg[0] = TAG.leaf;
    leafMsg[1] = VERSION;
    const userIds = new Array<string>(n);
    const seen = new Set<string>();
    const known = new Set<string>(assets);
    for (let pos = 0; pos < n; pos++) {
      const i = order[pos];
      const user = users[i];
      if (seen.has(user.userId)) throw unprocessable('proof.duplicate_user', `user ${user.userId} appears twice`);
      seen.add(user.userId);
      userIds[pos] = user.userId;
      nonces.copy(commitMsg, 2 + HASH_BYTES, i * 32, i * 32 + 32);
      const idLen = commitMsg.write(user.userId, 3 + 2 * HASH_BYTES, 'utf8');
      commitMsg[2 + 2 * HASH_BYTES] = idLen;
      sha256(commitMsg.subarray(0, 3 + 2 * HASH_BYTES + idLen)).copy(leafMsg, 2);
      for (const a of Object.keys(user.balances)) {
        if (!known.has(a)) throw unprocessable('proof.unknown_asset', `user ${user.userId} holds ${a}, which is not in the published asset list`);
      }
      for (let k = 0; k < assets.length; k++) {
        writeAmount(user.balances[assets[k]] ?? 0n, leafMsg, 2 + HASH_BYTES + AMOUNT_BYTES * k, user.userId);
      }
      sha256(leafMsg).copy(leaves, pos * rec);
      leafMsg.copy(leaves, pos * rec + HASH_BYTES, 2 + HASH_BYTES);
    }
    // Nonce order is now leaf order.
    const sortedNonces = Buffer.alloc(n * 32);
    for (let pos = 0; pos < n; pos++) nonces.copy(sortedNonces, pos * 32, order[pos] * 32, order[pos] * 32 + 32);

    const padding = [Buffer.concat([sha256(Buffer.from(paddingMessage(context))), Buffer.alloc(rec - HASH_BYTES)])];
    if (n % 2 === 1 || n === 0) padding[0].copy(leaves, n * rec);
    const levels = [leaves];
    const nodeMsg = Buffer.alloc(2 + 2 * rec);
    nodeMsg[0] = TAG.node;
    nodeMsg[1] = VERSION;
    let real = n;
    for (let level = 0; level < depth; level++) {
      const below = levels[level];
      const parents = Math.ceil(real / 2);
      const width = parents + (parents % 2);
      const out = Buffer.alloc(Math.max(width, 1) * rec);
      for (let j = 0; j < parents; j++) {
        parentInto(below, 2 * j * rec, rec, nodeMsg, out, j * rec, assets);
      }
      const pad = Buffer.alloc(rec);
      const padPair = Buffer.concat([padding[level], padding[level]]);
      parentInto(padPair, 0, rec, nodeMsg, pad, 0, assets);
      padding.push(pad);
      if (parents % 2 === 1 && level + 1 < depth) pad.copy(out, parents * rec);
      levels.push(out);
      real = parents;
    }
    const top = n === 0 ? padding[0] : levels[depth].subarray(0, rec);
    const totals: bigint[] = [];
    for (let k = 0; k < assets.length; k++) totals.push(readAmount(top, HASH_BYTES + AMOUNT_BYTES * k));
    const root = sha256(Buffer.from(rootMessage(context, depth, top.subarray(0, HASH_BYTES), totals)));
    return new LiabilityTree(
      snapshotId,
      [...assets],
      depth,
      bytesToHex(root),
      Object.fromEntries(assets.map((a, k) => [a, totals[k]])),
      levels,
      padding,
      userIds,
      sortedNonces,
    );
  }

  /** What the operator publishes for the snapshot. */
  published(): PublishedRoot {
    return {
      format: FORMAT,
      version: VERSION,
      snapshotId: this.snapshotId,
      assets: [...this.assets],
      depth: this.depth,
      root: this.root,
      totals: amountMap(this.assets, this.assets.map((a) => this.totals[a])),
    };
  }

  /** The inclusion proof of one user, or undefined if the user is not in the tree. */
  proofFor(userId: string): InclusionProof | undefined {
    if (!this.indexByUser) this.indexByUser = new Map(this.userIds.map((u, i) => [u, i]));
    const index = this.indexByUser.get(userId);
    return index === undefined ? undefined : this.proofAt(index);
  }

  /** The inclusion proof of the leaf at `index` (leaf order). */
  proofAt(index: number): InclusionProof {
    if (!Number.isInteger(index) || index < 0 || index >= this.userIds.length) throw new RangeError(`no leaf ${index}`);
    const rec = HASH_BYTES + AMOUNT_BYTES * this.assets.length;
    const path = [];
    for (let level = 0; level < this.depth; level++) {
      const sibling = (index >>> level) ^ 1;
      const buf = this.levels[level];
      const record = (sibling + 1) * rec <= buf.length ? buf.subarray(sibling * rec, (sibling + 1) * rec) : this.padding[level];
      path.push({ hash: record.subarray(0, HASH_BYTES).toString('hex'), sums: this.sumsOf(record) });
    }
    const leaf = this.levels[0].subarray(index * rec, (index + 1) * rec);
    return {
      format: FORMAT,
      version: VERSION,
      snapshotId: this.snapshotId,
      assets: [...this.assets],
      root: this.root,
      totals: amountMap(this.assets, this.assets.map((a) => this.totals[a])),
      userId: this.userIds[index],
      nonce: this.nonces.subarray(index * 32, index * 32 + 32).toString('hex'),
      balances: this.sumsOf(leaf),
      leafIndex: index,
      path,
    };
  }

  private sumsOf(record: Buffer): Record<string, string> {
    return amountMap(
      this.assets,
      this.assets.map((_, k) => readAmount(record, HASH_BYTES + AMOUNT_BYTES * k)),
    );
  }
}

/**
 * nonce = SHA-256("strongroom-pol-v1-nonce" ‖ salt ‖ context hash ‖ len(userId) ‖ userId): a PRF
 * keyed by the secret salt (the length-prefixed message makes the encoding prefix-free, so length
 * extension cannot turn one user's nonce into another's). Only the operator can compute it; each
 * user receives just their own.
 */
export function deriveNonce(salt: Uint8Array, context: Uint8Array, userId: string): Buffer {
  const id = Buffer.from(userId, 'utf8');
  if (id.length === 0 || id.length > MAX_ID_BYTES) throw unprocessable('proof.user_id', `user id must be 1–${MAX_ID_BYTES} UTF-8 bytes`);
  return sha256(Buffer.concat([NONCE_LABEL, salt, context, Buffer.from([id.length]), id]));
}

function deriveNonces(salt: Uint8Array, context: Buffer, users: readonly UserBalances[]): Buffer {
  const out = Buffer.alloc(users.length * 32);
  const msg = Buffer.alloc(NONCE_LABEL.length + 64 + 1 + MAX_ID_BYTES);
  NONCE_LABEL.copy(msg, 0);
  msg.set(salt, NONCE_LABEL.length);
  context.copy(msg, NONCE_LABEL.length + 32);
  const idAt = NONCE_LABEL.length + 65;
  for (let i = 0; i < users.length; i++) {
    const id = users[i].userId;
    const len = Buffer.byteLength(id, 'utf8');
    if (len === 0 || len > MAX_ID_BYTES) throw unprocessable('proof.user_id', `user id must be 1–${MAX_ID_BYTES} UTF-8 bytes`);
    msg[idAt - 1] = len;
    msg.write(id, idAt, 'utf8');
    sha256(msg.subarray(0, idAt + len)).copy(out, i * 32);
  }
  return out;
}

/** Leaf order: ascending nonce (first 32 bits, then the whole nonce). */
function orderByNonce(nonces: Buffer, n: number): Uint32Array {
  const prefix = new Uint32Array(n);
  for (let i = 0; i < n; i++) prefix[i] = nonces.readUInt32BE(i * 32);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => prefix[a] - prefix[b] || Buffer.compare(nonces.subarray(a * 32, a * 32 + 32), nonces.subarray(b * 32, b * 32 + 32)));
  return order;
}

/** Hashes the two adjacent child records at `below[offset…]` and writes the parent record (hash, sums). */
function parentInto(below: Buffer, offset: number, rec: number, msg: Buffer, out: Buffer, outOffset: number, assets: AssetCode[]): void {
  below.copy(msg, 2, offset, offset + 2 * rec);
  sha256(msg).copy(out, outOffset);
  for (let k = 0; k < assets.length; k++) {
    const a = offset + HASH_BYTES + AMOUNT_BYTES * k;
    if (!addU256(below, a, below, a + rec, out, outOffset + HASH_BYTES + AMOUNT_BYTES * k)) {
      throw unprocessable('proof.sum_overflow', `the ${assets[k]} sum exceeds 2^256-1`);
    }
  }
}

/** out = a + b over 32-byte big-endian integers in 32-bit limbs; false on overflow. */
function addU256(a: Buffer, ao: number, b: Buffer, bo: number, out: Buffer, oo: number): boolean {
  let carry = 0;
  for (let i = 28; i >= 0; i -= 4) {
    const s = a.readUInt32BE(ao + i) + b.readUInt32BE(bo + i) + carry;
    out.writeUInt32BE(s >>> 0, oo + i);
    carry = s > 0xffffffff ? 1 : 0;
  }
  return carry === 0;
}

function writeAmount(value: bigint, out: Buffer, offset: number, userId: string): void {
  if (typeof value !== 'bigint' || value < 0n || value >= U256_LIMIT) {
    throw unprocessable('proof.balance_range', `user ${userId}: balance ${String(value)} is not an integer in [0, 2^256)`);
  }
  if (value < U64_LIMIT) {
    out.fill(0, offset, offset + 24);
    out.writeBigUInt64BE(value, offset + 24);
    return;
  }
  let v = value;
  for (let i = 3; i >= 0; i--) {
    out.writeBigUInt64BE(v & (U64_LIMIT - 1n), offset + 8 * i);
    v >>= 64n;
  }
}

function readAmount(buf: Buffer, offset: number): bigint {
  let v = 0n;
  for (let i = 0; i < 4; i++) v = (v << 64n) | buf.readBigUInt64BE(offset + 8 * i);
  return v;
}
