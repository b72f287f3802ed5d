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
import { Arena } from './arena';
import { orderByNonce } from './leaf-order';

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
  /** If given, receives the milliseconds spent per phase (benchmarks). */
  timings?: Record<string, number>;
  /** The clock of `timings` in ms (default wall time; a benchmark may pass CPU time). */
  clock?: () => number;
}

const NONCE_LABEL = Buffer.from('strongroom-pol-v1-nonce', 'ascii');
const U256_LIMIT = 1n << 256n;
const U64_LIMIT = 1n << 64n;
// Local copies: the imported bindings are property reads through module getters, too slow in the hot loops.
const HB = HASH_BYTES;
const AB = AMOUNT_BYTES;

const sha256 = (message: Buffer): Buffer => Buffer.from(nodeHash('sha256', message, 'binary'), 'latin1');

/**
 * SHA-256 of `message` written into `out` at `offset`. The digest comes back as a latin1 string
 * and is written with Buffer#write: measured more than twice as fast as a Buffer result, whose
 * allocation costs more than hashing 258 bytes.
 */
function hashInto(message: Buffer, out: Buffer, offset: number): void {
  out.write(nodeHash('sha256', message, 'binary'), offset, 'binary');
}

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
    /** User ids and nonces in input order; `order[leafIndex]` is the input index of a leaf. */
    private readonly userIds: string[],
    private readonly nonces: Buffer,
    private readonly order: Uint32Array,
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
    const widths = [Math.max(n + (n % 2), 1)];
    for (let level = 0, real = n; level < depth; level++) {
      real = Math.ceil(real / 2);
      widths.push(Math.max(real + (real % 2), 1));
    }
    // keys (8n), order (4n), rank (4n), nonces (32n), then the levels.
    const arena = new Arena(48 * n + widths.reduce((sum, w) => sum + w * rec, 0));

    const timings = input.timings;
    const clock = input.clock ?? (() => performance.now());
    let mark = clock();
    const lap = (phase: string): void => {
      const now = clock();
      if (timings) timings[phase] = (timings[phase] ?? 0) + (now - mark);
      mark = now;
    };
    const nonces = deriveNonces(input.salt, context, users, arena.take(32 * n));
    lap('nonces');

    // Leaf order is ascending nonce: a leaf's position says nothing about the user id.
    const order = orderByNonce(nonces, n, arena, (a, b) => {
      throw unprocessable('proof.duplicate_user', `user ${users[a].userId} appears twice (entries ${a} and ${b})`);
    });
    const rank = arena.uint32(n);
    for (let pos = 0; pos < n; pos++) rank[order[pos]] = pos;
    // In input order (sequential reads); leaf `pos` belongs to userIds[order[pos]].
    const userIds = users.map((u) => u.userId);
    lap('order');

    // Leaves: the users are read in input order, each leaf record written at its rank.
    const leaves = arena.take(widths[0] * rec);
    const commitMsg = Buffer.alloc(2 + 2 * HB + 1 + MAX_ID_BYTES);
    commitMsg[0] = TAG.commitment;
    commitMsg[1] = VERSION;
    context.copy(commitMsg, 2);
    const leafMsg = Buffer.alloc(2 + rec);
    leafMsg[0] = TAG.leaf;
    leafMsg[1] = VERSION;
    const known = new Set<string>(assets);
    const assetCount = assets.length;
    for (let i = 0; i < n; i++) {
      const user = users[i];
      copy32(nonces, i * 32, commitMsg, 2 + HB);
      const idLen = commitMsg.write(user.userId, 3 + 2 * HB, 'utf8');
      commitMsg[2 + 2 * HB] = idLen;
      hashInto(commitMsg.subarray(0, 3 + 2 * HB + idLen), leafMsg, 2);
      const balances = user.balances;
      for (const a in balances) {
        if (!known.has(a)) throw unprocessable('proof.unknown_asset', `user ${user.userId} holds ${a}, which is not in the published asset list`);
      }
      for (let k = 0; k < assetCount; k++) writeAmount(balances[assets[k]] ?? 0n, leafMsg, 2 + HB + AB * k, user.userId);
      const at = rank[i] * rec;
      hashInto(leafMsg, leaves, at);
      leafMsg.copy(leaves, at + HB, 2 + HB);
    }
    lap('leaves');

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
      const out = arena.take(widths[level + 1] * rec);
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
    lap('nodes');
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
      nonces,
      order,
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
    if (!this.indexByUser) this.indexByUser = new Map(Array.from(this.order, (input, leaf) => [this.userIds[input], leaf]));
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
      userId: this.userIds[this.order[index]],
      nonce: this.nonces.subarray(this.order[index] * 32, this.order[index] * 32 + 32).toString('hex'),
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

function deriveNonces(salt: Uint8Array, context: Buffer, users: readonly UserBalances[], out: Buffer): Buffer {
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
    hashInto(msg.subarray(0, idAt + len), out, i * 32);
  }
  return out;
}

/** Hashes the two adjacent child records at `below[offset…]` and writes the parent record (hash, sums). */
function parentInto(below: Buffer, offset: number, rec: number, msg: Buffer, out: Buffer, outOffset: number, assets: AssetCode[]): void {
  below.copy(msg, 2, offset, offset + 2 * rec);
  hashInto(msg, out, outOffset);
  for (let k = 0; k < assets.length; k++) {
    const a = offset + HB + AB * k;
    if (!addU256(below, a, below, a + rec, out, outOffset + HB + AB * k)) {
      throw unprocessable('proof.sum_overflow', `the ${assets[k]} sum exceeds 2^256-1`);
    }
  }
}

/** Copies 32 bytes; a plain loop, measured twice as fast as Buffer#copy for this size. */
function copy32(src: Buffer, from: number, dst: Buffer, to: number): void {
  for (let k = 0; k < 32; k++) dst[to + k] = src[from + k];
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
