// Long because the tree's build, proofs and the buffer layout they share (offsets, u256 rows,
// the shared-memory handoff to workers) are one format; split, each part would export internals.
import { hash as nodeHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import {
  AMOUNT_BYTES,
  HASH_BYTES,
  MAX_DEPTH,
  NONCE_LABEL,
  Refusal,
  VERSION,
  amountMap,
  bytesToHex,
  checkIdentifier,
  checkSnapshotTime,
  contextMessage,
  isPlainAscii,
  readAssets,
  rootMessage,
  str,
  type FormatVersion,
  type InclusionProof,
  type PublishedRoot,
} from '@strongroom/proof-verifier';
import { domainError, type AssetCode } from '@strongroom/shared-types';
import { ComplianceErrors } from '../compliance.errors';
import { Arena } from './arena';
import { KernelPool } from './kernel-pool';
import { orderByNonce } from './leaf-order';
import { inclusionDocument, publishedDocument, type TreeFacts } from './tree-documents';
import { treeKernels, type TreeKernels, type TreeLayout } from './tree-kernels';

/** One user's balances at the snapshot; a missing asset counts as zero. */
export interface UserBalances {
  userId: string;
  balances: Partial<Record<AssetCode, bigint>>;
}

/** Format 2 (the default) binds the snapshot time; format 1 is kept to rebuild trees published in it. */
export type TreeFormat = { version?: 2; snapshotTime: string } | { version: 1; snapshotTime?: undefined };

export type LiabilityTreeInput = TreeFormat & {
  snapshotId: string;
  /** Published asset order (format 2: ascending); every amount in the tree is laid out in this order. */
  assets: AssetCode[];
  /** 32 secret random bytes per snapshot, kept by the operator: every user's nonce derives from it. */
  salt: Uint8Array;
  users: readonly UserBalances[];
  /** If given, receives the milliseconds spent per phase (benchmarks). */
  timings?: Record<string, number>;
  /** The clock of `timings` in ms (default wall time; a benchmark may pass CPU time). */
  clock?: () => number;
};

const U256_LIMIT = 1n << 256n;
const U64_LIMIT = 1n << 64n;
// Local copies: the imported bindings are property reads through module getters, too slow in the hot loops.
const HB = HASH_BYTES;
const AB = AMOUNT_BYTES;

const sha256 = (message: Buffer): Buffer => Buffer.from(nodeHash('sha256', message, 'binary'), 'latin1');

/**
 * A Merkle sum tree over a snapshot's user balances (docs/proof-of-liabilities.md, format 2 by default).
 * Each level is one Buffer of fixed-size records `[hash | sums]`, so a parent's hashed message is
 * the tag, the version and the two adjacent child records copied in one go. node:crypto's one-shot
 * `hash` is used here (measured faster than @noble/hashes for many small inputs); the verifier uses
 * @noble/hashes, so the tests cross-check two SHA-256 implementations.
 */
export class LiabilityTree {
  private indexByUser?: Map<string, number>;

  readonly version: FormatVersion;
  readonly snapshotId: string;
  readonly snapshotTime?: string;
  readonly assets: AssetCode[];
  readonly depth: number;
  readonly root: string;
  readonly topHash: string;
  readonly totals: Record<AssetCode, bigint>;
  /** levels[k] holds the real (non-padding) nodes of level k, rounded up to an even count. */
  private readonly levels: Buffer[];
  /** The all-padding subtree record of each level. */
  private readonly padding: Buffer[];
  /** User ids and nonces in input order; `order[leafIndex]` is the input index of a leaf. */
  private readonly userIds: string[];
  private readonly nonces: Buffer;
  private readonly order: Uint32Array;

  private constructor(parts: TreeParts) {
    this.version = parts.version;
    this.snapshotId = parts.snapshotId;
    this.snapshotTime = parts.snapshotTime;
    this.assets = parts.assets;
    this.depth = parts.depth;
    this.root = parts.root;
    this.topHash = parts.topHash;
    this.totals = parts.totals;
    this.levels = parts.levels;
    this.padding = parts.padding;
    this.userIds = parts.userIds;
    this.nonces = parts.nonces;
    this.order = parts.order;
  }

  get userCount(): number {
    return this.userIds.length;
  }

  /** Builds the tree on this thread. */
  static build(input: LiabilityTreeInput): LiabilityTree {
    const job = prepare(input, false);
    const k = mainKernels();
    job.kernels.nonces = (lo, hi) => k.nonces(job.layout, lo, hi);
    job.kernels.leaves = (lo, hi) => k.leaves(job.layout, lo, hi);
    job.kernels.nodes = (from, to, w, of) => k.nodes(job.layout, from, to, w, of);
    const n = job.layout.n;
    job.kernels.nonces(0, n);
    job.lap('nonces');
    job.orderLeaves();
    job.lap('order');
    job.kernels.leaves(0, n);
    job.lap('leaves');
    job.padLeaves();
    if (!job.kernels.nodes(1, job.layout.depth, 0, 1)) throw overflow();
    job.lap('nodes');
    return new LiabilityTree(job.finish());
  }

  /**
   * Builds the tree with the hashing split over worker threads (default: one per CPU, rounded
   * down to a power of two). Same result, byte for byte, as `build`.
   */
  static async buildParallel(input: LiabilityTreeInput & { workers?: number }): Promise<LiabilityTree> {
    const job = prepare(input, true);
    const { n, depth } = job.layout;
    let of = 1;
    while (of * 2 <= (input.workers ?? availableParallelism()) && of * 2 <= 2 ** Math.max(depth - 1, 0)) of *= 2;
    if (of === 1) return LiabilityTree.build(input);
    const pool = new KernelPool(job.layout, of);
    try {
      const slices = (count: number) =>
        Array.from({ length: of }, (_, w) => [Math.floor((w * count) / of), Math.floor(((w + 1) * count) / of)]);
      await Promise.all(slices(n).map(([lo, hi], w) => pool.run(w, { op: 'nonces', lo, hi })));
      job.lap('nonces');
      job.orderLeaves();
      job.lap('order');
      await Promise.all(slices(n).map(([lo, hi], w) => pool.run(w, { op: 'leaves', lo, hi })));
      job.lap('leaves');
      job.padLeaves();
      // Each worker takes an aligned slice of every level up to where each slice is one node.
      const split = depth - Math.log2(of);
      const done = await Promise.all(
        Array.from({ length: of }, (_, w) => pool.run(w, { op: 'nodes', from: 1, to: split, w, of })),
      );
      if (done.includes(false) || !mainKernels().nodes(job.layout, split + 1, depth, 0, 1)) throw overflow();
      job.lap('nodes');
    } finally {
      await pool.close();
    }
    return new LiabilityTree(job.finish());
  }

  /** What the operator publishes for the snapshot. */
  published(): PublishedRoot {
    return publishedDocument(this.facts());
  }

  private facts(): TreeFacts {
    return {
      version: this.version,
      snapshotId: this.snapshotId,
      snapshotTime: this.snapshotTime,
      assets: this.assets,
      depth: this.depth,
      root: this.root,
      topHash: this.topHash,
      totals: this.assets.map((a) => this.totals[a]),
    };
  }

  /** The inclusion proof of one user, or undefined if the user is not in the tree. */
  proofFor(userId: string): InclusionProof | undefined {
    if (!this.indexByUser)
      this.indexByUser = new Map(Array.from(this.order, (input, leaf) => [this.userIds[input], leaf]));
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
      const record =
        (sibling + 1) * rec <= buf.length ? buf.subarray(sibling * rec, (sibling + 1) * rec) : this.padding[level];
      path.push({ hash: record.subarray(0, HASH_BYTES).toString('hex'), sums: this.sumsOf(record) });
    }
    const leaf = this.levels[0].subarray(index * rec, (index + 1) * rec);
    return inclusionDocument(this.facts(), {
      userId: this.userIds[this.order[index]],
      nonce: this.nonces.subarray(this.order[index] * 32, this.order[index] * 32 + 32).toString('hex'),
      balances: this.sumsOf(leaf),
      leafIndex: index,
      path,
    });
  }

  /** The leaf at `index` (leaf order) without its path: what a whole-tree export lists. */
  leafAt(index: number): { userId: string; nonce: Buffer; balances: Record<string, string> } {
    const rec = HASH_BYTES + AMOUNT_BYTES * this.assets.length;
    const input = this.order[index];
    return {
      userId: this.userIds[input],
      nonce: this.nonces.subarray(input * 32, input * 32 + 32),
      balances: this.sumsOf(this.levels[0].subarray(index * rec, (index + 1) * rec)),
    };
  }

  private sumsOf(record: Buffer): Record<string, string> {
    return amountMap(
      this.assets,
      this.assets.map((_, k) => readAmount(record, HASH_BYTES + AMOUNT_BYTES * k)),
    );
  }
}

interface TreeParts {
  version: FormatVersion;
  snapshotId: string;
  snapshotTime?: string;
  assets: AssetCode[];
  depth: number;
  root: string;
  topHash: string;
  totals: Record<AssetCode, bigint>;
  levels: Buffer[];
  padding: Buffer[];
  userIds: string[];
  nonces: Buffer;
  order: Uint32Array;
}

interface BuildJob {
  layout: TreeLayout;
  kernels: {
    nonces(lo: number, hi: number): void;
    leaves(lo: number, hi: number): void;
    nodes(from: number, to: number, w: number, of: number): boolean;
  };
  lap(phase: string): void;
  orderLeaves(): void;
  padLeaves(): void;
  finish(): TreeParts;
}

let kernelsHere: TreeKernels | undefined;
function mainKernels(): TreeKernels {
  kernelsHere ??= treeKernels(require);
  return kernelsHere;
}

const overflow = () => domainError(ComplianceErrors['proof.sum_overflow'], 'a per-asset sum exceeds 2^256-1');

// Long because sizing, checking and encoding share the running offsets of one allocation (a
// million users in one buffer); the returned closures read that same buffer, so they stay here.
/**
 * Checks and encodes the users into one buffer laid out as TreeLayout says (shared with worker
 * threads when `shared`): ids as UTF-8, balances as u256 rows. Also plans the levels.
 */
function prepare(input: LiabilityTreeInput, shared: boolean): BuildJob {
  const clock = input.clock ?? (() => performance.now());
  let mark = clock();
  const lap = (phase: string): void => {
    const now = clock();
    if (input.timings) input.timings[phase] = (input.timings[phase] ?? 0) + (now - mark);
    mark = now;
  };
  const { snapshotId, assets, users } = input;
  const version: FormatVersion = input.version ?? VERSION;
  const snapshotTime = input.version === 1 ? undefined : input.snapshotTime;
  if (input.salt.length !== 32)
    throw domainError(ComplianceErrors['proof.salt_length'], 'the snapshot salt must be 32 bytes');
  checkSnapshot(version, snapshotId, snapshotTime, assets);
  const context = sha256(Buffer.from(contextMessage({ version, snapshotId, snapshotTime, assets })));
  const n = users.length;
  let depth = 0;
  while (2 ** depth < n) depth++;
  if (depth > MAX_DEPTH) throw domainError(ComplianceErrors['proof.too_many_users'], `at most 2^${MAX_DEPTH} users`);
  const assetCount = assets.length;
  const rec = HB + AB * assetCount;
  const rowBytes = AB * assetCount;
  const widths = [Math.max(n + (n % 2), 1)];
  for (let level = 0, real = n; level < depth; level++) {
    real = Math.ceil(real / 2);
    widths.push(Math.max(real + (real % 2), 1));
  }
  let idBytes = 0;
  for (let i = 0; i < n; i++) {
    const id = users[i].userId;
    // Printable ASCII of 1-255 characters meets every rule; anything else takes the full check.
    if (typeof id !== 'string' || id.length === 0 || id.length > 255 || !isPlainAscii(id)) checkUserId(id, version);
    idBytes += Buffer.byteLength(id, 'utf8');
  }
  let size = 0;
  const take = (bytes: number): number => {
    const at = size;
    size += Math.ceil(bytes / 8) * 8;
    return at;
  };
  const layout: TreeLayout = {
    buffer: new ArrayBuffer(0),
    version,
    n,
    depth,
    rec,
    assetCount,
    context: take(32),
    salt: take(32),
    idOffsets: take(4 * (n + 1)),
    ids: take(idBytes),
    balances: take(rowBytes * n),
    nonces: take(32 * n),
    rank: take(4 * n),
    padding: take((depth + 1) * rec),
    levels: widths.map((w) => take(w * rec)),
    widths,
  };
  // One allocation: many large ones would each count as external memory and could start a
  // full collection of a heap that holds a million user objects.
  layout.buffer = shared ? new SharedArrayBuffer(size) : new ArrayBuffer(size);
  const view = Buffer.from(layout.buffer);
  context.copy(view, layout.context);
  view.set(input.salt, layout.salt);
  const offsets = new Uint32Array(layout.buffer, layout.idOffsets, n + 1);
  const known = new Set<string>(assets);
  for (let i = 0, at = 0; i < n; i++) {
    const user = users[i];
    offsets[i] = at;
    at += view.write(user.userId, layout.ids + at, 'utf8');
    offsets[i + 1] = at;
    const balances = user.balances;
    for (const a in balances) {
      if (!known.has(a))
        throw domainError(
          ComplianceErrors['proof.unknown_asset'],
          `user ${user.userId} holds ${a}, which is not in the published asset list`,
        );
    }
    const row = layout.balances + rowBytes * i;
    for (let k = 0; k < assetCount; k++) writeAmount(balances[assets[k]] ?? 0n, view, row + AB * k, user.userId);
  }
  lap('encode');

  const level = (k: number) => view.subarray(layout.levels[k], layout.levels[k] + widths[k] * rec);
  const padRecord = (k: number) => view.subarray(layout.padding + k * rec, layout.padding + (k + 1) * rec);
  const nonces = view.subarray(layout.nonces, layout.nonces + 32 * n);
  let order: Uint32Array = new Uint32Array(0);
  const never = () => {
    throw new Error('kernels not set');
  };
  return {
    layout,
    kernels: { nonces: never, leaves: never, nodes: never },
    lap,
    // Leaf order is ascending nonce: a leaf's position says nothing about the user id.
    orderLeaves() {
      order = orderByNonce(nonces, n, new Arena(12 * n), (a, b) => {
        throw domainError(
          ComplianceErrors['proof.duplicate_user'],
          `user ${users[a].userId} appears twice (entries ${a} and ${b})`,
        );
      });
      const rank = new Uint32Array(layout.buffer, layout.rank, n);
      for (let pos = 0; pos < n; pos++) rank[order[pos]] = pos;
    },
    padLeaves() {
      mainKernels().padding(layout);
      if (n % 2 === 1 || n === 0) padRecord(0).copy(level(0), n * rec);
    },
    finish() {
      const top = n === 0 ? padRecord(0) : level(depth).subarray(0, rec);
      const totals: bigint[] = [];
      for (let k = 0; k < assetCount; k++) totals.push(readAmount(top, HB + AB * k));
      const root = sha256(Buffer.from(rootMessage(version, context, depth, top.subarray(0, HB), totals)));
      return {
        version,
        snapshotId,
        snapshotTime,
        assets: [...assets],
        depth,
        root: bytesToHex(root),
        topHash: bytesToHex(top.subarray(0, HB)),
        totals: Object.fromEntries(assets.map((a, k) => [a, totals[k]])),
        levels: widths.map((_, k) => level(k)),
        padding: widths.map((_, k) => padRecord(k)),
        // In input order (sequential reads); leaf `pos` belongs to userIds[order[pos]].
        userIds: users.map((u) => u.userId),
        nonces,
        order,
      };
    },
  };
}

/**
 * nonce = SHA-256("strongroom-pol-v<version>-nonce" ‖ salt ‖ context hash ‖ len(userId) ‖ userId):
 * a PRF keyed by the secret salt (the length-prefixed message makes the encoding prefix-free, so
 * length extension cannot turn one user's nonce into another's). Only the operator can compute
 * it; each user receives just their own.
 */
export function deriveNonce(
  salt: Uint8Array,
  context: Uint8Array,
  userId: string,
  version: FormatVersion = VERSION,
): Buffer {
  checkUserId(userId, version);
  return sha256(Buffer.concat([Buffer.from(NONCE_LABEL[version], 'ascii'), salt, context, str(userId)]));
}

/** The identifier rules of the format (docs § identifiers): a user id breaking them is refused. */
function checkUserId(id: unknown, version: FormatVersion): void {
  try {
    checkIdentifier(id, 'userId', version);
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    throw domainError(ComplianceErrors['proof.user_id'], `user id ${JSON.stringify(id)}: ${err.message} (${err.code})`);
  }
}

/** The snapshot's id, time and asset list come from the snapshot service: a bad one is a bug, not input. */
function checkSnapshot(version: FormatVersion, snapshotId: string, time: string | undefined, assets: string[]): void {
  try {
    checkIdentifier(snapshotId, 'snapshotId', version);
    if (version === 2) checkSnapshotTime(time, 'snapshotTime');
    readAssets(assets, 'assets', version);
  } catch (err) {
    if (err instanceof Refusal) throw new Error(`liability tree: ${err.message} (${err.code})`);
    throw err;
  }
}

const SAFE_LIMIT = BigInt(Number.MAX_SAFE_INTEGER);

/** Writes a balance as u256 into a zero-filled region (only the non-zero low bytes are written). */
function writeAmount(value: bigint, out: Buffer, offset: number, userId: string): void {
  if (typeof value !== 'bigint' || value < 0n || value >= U256_LIMIT) {
    throw domainError(
      ComplianceErrors['proof.balance_range'],
      `user ${userId}: balance ${String(value)} is not an integer in [0, 2^256)`,
    );
  }
  if (value <= SAFE_LIMIT) {
    // The common case, without BigInt arithmetic: two 32-bit halves of an exact double.
    const v = Number(value);
    out.writeUInt32BE(Math.floor(v / 4294967296), offset + 24);
    out.writeUInt32BE(v % 4294967296, offset + 28);
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
