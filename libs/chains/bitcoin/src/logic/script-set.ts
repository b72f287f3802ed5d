/**
 * A set of output scripts sized for millions of entries: scripts are copied into one growing
 * byte arena and indexed by an open-addressing table of offsets, so a lookup hashes the bytes in
 * place — no hex string per output scanned, and ~40 bytes per watched script instead of ~150 for
 * a Set<string> of hex (see the bitcoin-scan benchmark).
 */
export class ScriptSet {
  private arena: Buffer;
  private used = 0;
  /** offset+1 of the script in the arena (0 = empty slot); its length is in `lengths`. */
  private slots: Uint32Array;
  private lengths: Uint8Array;
  private count = 0;

  constructor(expected = 1024) {
    const capacity = nextPow2(Math.max(16, Math.ceil(expected * 1.6)));
    this.slots = new Uint32Array(capacity);
    this.lengths = new Uint8Array(capacity);
    this.arena = Buffer.allocUnsafe(Math.max(1024, expected * 34));
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held: the arena (with its spare room) and the table. */
  get byteSize(): number {
    return this.arena.length + this.slots.byteLength + this.lengths.byteLength;
  }

  add(script: Uint8Array): boolean {
    if (script.length === 0 || script.length > 255) throw new RangeError('scripts of 1..255 bytes only');
    if (this.has(script)) return false;
    if ((this.count + 1) * 10 > this.slots.length * 7) this.grow();
    if (this.used + script.length > this.arena.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.used + script.length));
      this.arena.copy(bigger, 0, 0, this.used);
      this.arena = bigger;
    }
    this.arena.set(script, this.used);
    this.insert(this.used, script.length, hash(script, 0, script.length));
    this.used += script.length;
    this.count++;
    return true;
  }

  /** `script` may be a view into a larger buffer: `start`/`end` avoid a copy per lookup. */
  has(script: Uint8Array, start = 0, end = script.length): boolean {
    const len = end - start;
    const mask = this.slots.length - 1;
    let i = hash(script, start, end) & mask;
    for (;;) {
      const slot = this.slots[i];
      if (slot === 0) return false;
      if (this.lengths[i] === len && equal(this.arena, slot - 1, script, start, len)) return true;
      i = (i + 1) & mask;
    }
  }

  private insert(offset: number, len: number, h: number): void {
    const mask = this.slots.length - 1;
    let i = h & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = offset + 1;
    this.lengths[i] = len;
  }

  private grow(): void {
    const oldSlots = this.slots;
    const oldLengths = this.lengths;
    this.slots = new Uint32Array(oldSlots.length * 2);
    this.lengths = new Uint8Array(oldSlots.length * 2);
    for (let i = 0; i < oldSlots.length; i++) {
      if (oldSlots[i] === 0) continue;
      const off = oldSlots[i] - 1;
      this.insert(off, oldLengths[i], hash(this.arena, off, off + oldLengths[i]));
    }
  }
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** FNV-1a over the last 16 bytes: output scripts end in a hash, which is what tells them apart. */
function hash(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 ^ (end - start);
  for (let i = Math.max(start, end - 16); i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

function equal(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number, len: number): boolean {
  for (let i = len - 1; i >= 0; i--) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}
