/**
 * Where a tree's bytes live: byte offsets into one (shared) buffer. Built by liability-tree.ts,
 * read by the kernels on the main thread or in worker threads.
 */
export interface TreeLayout {
  buffer: SharedArrayBuffer | ArrayBuffer;
  /** The format version byte written into every message (1 or 2). */
  version: number;
  n: number;
  depth: number;
  /** Bytes of one node record: hash (32) then one u256 sum per asset. */
  rec: number;
  assetCount: number;
  /** 32 bytes each: the context hash X and the snapshot salt. */
  context: number;
  salt: number;
  /** Uint32Array of n+1 offsets into `ids` (UTF-8 user ids, input order). */
  idOffsets: number;
  ids: number;
  /** n balance rows of assetCount u256 (input order). */
  balances: number;
  /** n nonces of 32 bytes (input order). */
  nonces: number;
  /** Uint32Array: leaf position of each input index. */
  rank: number;
  /** depth+1 records: the all-padding subtree of each level. */
  padding: number;
  /** Byte offset and width (records) of each level. */
  levels: number[];
  widths: number[];
}

export interface TreeKernels {
  nonces(layout: TreeLayout, lo: number, hi: number): void;
  leaves(layout: TreeLayout, lo: number, hi: number): void;
  padding(layout: TreeLayout): void;
  /** Parents of levels fromLevel…toLevel for the w-th of `of` equal, aligned slices of each level. */
  nodes(layout: TreeLayout, fromLevel: number, toLevel: number, w: number, of: number): boolean;
}

// Long because it is shipped to worker threads as source text: it may use nothing outside its
// body, so its helpers and constants must live inside it (see below).
/**
 * The hashing work of a tree build, in one self-contained function: it is run as is on the main
 * thread and, turned back into source text, in worker threads. So it may use nothing from outside
 * its body but the `load` (require) it is given — no imports, no module constants.
 * Byte layouts: docs/proof-of-liabilities.md § messages; the version byte comes from the layout.
 */
export function treeKernels(load: (id: string) => unknown): TreeKernels {
  const { hash } = load('node:crypto') as { hash(algorithm: string, data: Uint8Array, encoding: 'binary'): string };
  const TAG_LEAF = 0x00;
  const TAG_NODE = 0x01;
  const TAG_PADDING = 0x02;
  const TAG_COMMITMENT = 0x05;
  // The nonce label of each version: "strongroom-pol-v1-nonce", "strongroom-pol-v2-nonce".
  const nonceLabel = (l: TreeLayout) => `strongroom-pol-v${l.version}-nonce`;

  const buf = (l: TreeLayout, offset: number, length: number): Buffer => Buffer.from(l.buffer, offset, length);
  // The digest as a latin1 string written with Buffer#write: measured more than twice as fast as
  // a Buffer result, whose allocation costs more than hashing a 258-byte node.
  const hashInto = (message: Buffer, out: Buffer, offset: number): void => {
    out.write(hash('sha256', message, 'binary'), offset, 'binary');
  };
  const ids = (l: TreeLayout) => ({
    offsets: new Uint32Array(l.buffer, l.idOffsets, l.n + 1),
    bytes: buf(l, l.ids, Math.max(new Uint32Array(l.buffer, l.idOffsets, l.n + 1)[l.n], 1)),
  });
  // The first `fixed + len` bytes of `msg`, one view per id length (not one per user).
  const byLength = (msg: Buffer, fixed: number): ((len: number) => Buffer) => {
    const views: Buffer[] = [];
    return (len) => (views[len] ??= msg.subarray(0, fixed + len));
  };
  // Short copies as a plain loop (twice as fast as Buffer#copy for 32 bytes), long ones native.
  const copy = (src: Buffer, from: number, dst: Buffer, to: number, length: number): void => {
    if (length > 64) src.copy(dst, to, from, from + length);
    else for (let k = 0; k < length; k++) dst[to + k] = src[from + k];
  };

  // out = a + b over 32-byte big-endian integers, byte by byte (plain element access, no calls:
  // measured faster than 32-bit limbs through readUInt32BE); false on overflow.
  const addU256 = (a: Buffer, ao: number, b: Buffer, bo: number, out: Buffer, oo: number): boolean => {
    let carry = 0;
    for (let i = 31; i >= 0; i--) {
      const s = a[ao + i] + b[bo + i] + carry;
      out[oo + i] = s & 0xff;
      carry = s >>> 8;
    }
    return carry === 0;
  };

  // Parent of the two adjacent records at below[offset…]: H(01 ‖ v ‖ left ‖ right) and the sums.
  const parent = (
    below: Buffer,
    offset: number,
    rec: number,
    assetCount: number,
    msg: Buffer,
    out: Buffer,
    outOffset: number,
  ): boolean => {
    copy(below, offset, msg, 2, 2 * rec);
    hashInto(msg, out, outOffset);
    for (let k = 0; k < assetCount; k++) {
      const a = offset + 32 + 32 * k;
      if (!addU256(below, a, below, a + rec, out, outOffset + 32 + 32 * k)) return false;
    }
    return true;
  };

  return {
    // nonce = H("strongroom-pol-v<version>-nonce" ‖ salt ‖ X ‖ len ‖ userId)
    nonces(l, lo, hi) {
      const { offsets, bytes } = ids(l);
      const out = buf(l, l.nonces, 32 * l.n);
      const label = Buffer.from(nonceLabel(l), 'ascii');
      const msg = Buffer.alloc(label.length + 65 + 255);
      label.copy(msg, 0);
      copy(buf(l, l.salt, 32), 0, msg, label.length, 32);
      copy(buf(l, l.context, 32), 0, msg, label.length + 32, 32);
      const at = label.length + 65;
      const prefixes = byLength(msg, at);
      for (let i = lo; i < hi; i++) {
        const len = offsets[i + 1] - offsets[i];
        msg[at - 1] = len;
        copy(bytes, offsets[i], msg, at, len);
        hashInto(prefixes(len), out, 32 * i);
      }
    },

    // C = H(05 ‖ v ‖ X ‖ nonce ‖ len ‖ userId); leaf = H(00 ‖ v ‖ C ‖ balances), written at its rank.
    leaves(l, lo, hi) {
      const { offsets, bytes } = ids(l);
      const nonces = buf(l, l.nonces, 32 * l.n);
      const balances = buf(l, l.balances, 32 * l.assetCount * l.n);
      const rank = new Uint32Array(l.buffer, l.rank, l.n);
      const leaves = buf(l, l.levels[0], l.widths[0] * l.rec);
      const rowBytes = 32 * l.assetCount;
      const commit = Buffer.alloc(2 + 64 + 1 + 255);
      commit[0] = TAG_COMMITMENT;
      commit[1] = l.version;
      copy(buf(l, l.context, 32), 0, commit, 2, 32);
      const leaf = Buffer.alloc(2 + 32 + rowBytes);
      leaf[0] = TAG_LEAF;
      leaf[1] = l.version;
      const commitments = byLength(commit, 67);
      for (let i = lo; i < hi; i++) {
        copy(nonces, 32 * i, commit, 34, 32);
        const len = offsets[i + 1] - offsets[i];
        commit[66] = len;
        copy(bytes, offsets[i], commit, 67, len);
        hashInto(commitments(len), leaf, 2);
        copy(balances, rowBytes * i, leaf, 34, rowBytes);
        const at = rank[i] * l.rec;
        hashInto(leaf, leaves, at);
        copy(balances, rowBytes * i, leaves, at + 32, rowBytes);
      }
    },

    // padding[0] = (H(02 ‖ v ‖ X), 0…0); padding[k+1] = parent(padding[k], padding[k]).
    padding(l) {
      const pad = buf(l, l.padding, (l.depth + 1) * l.rec);
      const first = Buffer.alloc(34);
      first[0] = TAG_PADDING;
      first[1] = l.version;
      copy(buf(l, l.context, 32), 0, first, 2, 32);
      hashInto(first, pad, 0);
      const pair = Buffer.alloc(2 * l.rec);
      const msg = Buffer.alloc(2 + 2 * l.rec);
      msg[0] = TAG_NODE;
      msg[1] = l.version;
      for (let k = 0; k < l.depth; k++) {
        copy(pad, k * l.rec, pair, 0, l.rec);
        copy(pad, k * l.rec, pair, l.rec, l.rec);
        parent(pair, 0, l.rec, l.assetCount, msg, pad, (k + 1) * l.rec);
      }
    },

    nodes(l, fromLevel, toLevel, w, of) {
      const msg = Buffer.alloc(2 + 2 * l.rec);
      msg[0] = TAG_NODE;
      msg[1] = l.version;
      const pad = buf(l, l.padding, (l.depth + 1) * l.rec);
      let real = l.n;
      for (let k = 1; k < fromLevel; k++) real = Math.ceil(real / 2);
      for (let k = fromLevel; k <= toLevel; k++) {
        const below = buf(l, l.levels[k - 1], l.widths[k - 1] * l.rec);
        const out = buf(l, l.levels[k], l.widths[k] * l.rec);
        real = Math.ceil(real / 2);
        // This slice of level k: positions [start, end), aligned so that pairs never straddle slices.
        const size = 2 ** (l.depth - k) / of;
        const start = w * size;
        const end = Math.min(start + size, real);
        for (let j = start; j < end; j++) {
          if (!parent(below, 2 * j * l.rec, l.rec, l.assetCount, msg, out, j * l.rec)) return false;
        }
        // An odd count of real nodes gets the padding subtree as the last one's sibling.
        if (real % 2 === 1 && k < l.depth && real >= start && real < start + size)
          copy(pad, k * l.rec, out, real * l.rec, l.rec);
      }
      return true;
    },
  };
}
