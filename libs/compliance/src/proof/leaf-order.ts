import type { Arena } from './arena';

/**
 * Leaf order: ascending nonce. A native sort of float keys (the nonce's leading bits, then the
 * input index, packed into the 53 bits a double holds exactly) does the bulk; runs that share
 * those leading bits are then ordered by the whole nonce. Two equal nonces (only possible for the
 * same user id twice) are reported to `onDuplicate` with their input indexes.
 */
export function orderByNonce(
  nonces: Buffer,
  n: number,
  arena: Arena,
  onDuplicate: (a: number, b: number) => void = () => undefined,
): Uint32Array {
  let indexBits = 0;
  while (2 ** indexBits < n) indexBits++;
  const shift = Math.max(0, 32 + indexBits - 53);
  const scale = 2 ** indexBits;
  const keys = arena.float64(n);
  for (let i = 0; i < n; i++) keys[i] = (nonces.readUInt32BE(i * 32) >>> shift) * scale + i;
  keys.sort();
  const order = arena.uint32(n);
  for (let pos = 0; pos < n; pos++) order[pos] = keys[pos] % scale;
  for (let start = 0; start < n;) {
    let end = start + 1;
    // Sorted keys share their leading bits exactly when their integer parts over `scale` agree.
    while (end < n && Math.floor(keys[end] / scale) === Math.floor(keys[start] / scale)) end++;
    if (end - start > 1) {
      const run = Array.from(order.subarray(start, end)).sort(
        (a, b) => nonces.compare(nonces, b * 32, b * 32 + 32, a * 32, a * 32 + 32) || a - b,
      );
      order.set(run, start);
      for (let k = 1; k < run.length; k++) {
        const [a, b] = [run[k - 1], run[k]];
        if (nonces.compare(nonces, a * 32, a * 32 + 32, b * 32, b * 32 + 32) === 0) onDuplicate(a, b);
      }
    }
    start = end;
  }
  return order;
}
