/** Typed arrays carved out of one allocation (a few large buffers, one allocation: see prepare()). */
export class Arena {
  private readonly buf: Buffer;
  private offset = 0;

  constructor(size: number) {
    this.buf = Buffer.alloc(size + 64);
  }

  take(bytes: number): Buffer {
    const start = this.offset;
    this.offset += Math.ceil(bytes / 8) * 8;
    if (this.offset > this.buf.length) throw new Error('arena exhausted');
    return this.buf.subarray(start, start + bytes);
  }

  uint32(n: number): Uint32Array {
    const b = this.take(4 * n);
    return new Uint32Array(b.buffer, b.byteOffset, n);
  }

  float64(n: number): Float64Array {
    const b = this.take(8 * n);
    return new Float64Array(b.buffer, b.byteOffset, n);
  }
}
