import { randomBytes } from 'node:crypto';
import { Arena } from './arena';
import { orderByNonce } from './leaf-order';

describe('orderByNonce', () => {
  const sortedByWholeNonce = (nonces: Buffer, n: number) =>
    Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => Buffer.compare(nonces.subarray(a * 32, a * 32 + 32), nonces.subarray(b * 32, b * 32 + 32)) || a - b,
    );

  it('orders by the whole nonce, also within runs that share the leading 32 bits', () => {
    const n = 500;
    const nonces = randomBytes(32 * n);
    // Many nonces share a few leading-bit patterns, so the tie-breaking path runs.
    for (let i = 0; i < n; i++) nonces.writeUInt32BE([7, 0xffffffff, 0][i % 3], i * 32);
    nonces.fill(0x11, 32 * 10, 32 * 11); // and two identical nonces
    nonces.fill(0x11, 32 * 20, 32 * 21);
    const duplicates: [number, number][] = [];
    const order = Array.from(orderByNonce(nonces, n, new Arena(8 * n + 4 * n), (a, b) => duplicates.push([a, b])));
    expect(order).toEqual(sortedByWholeNonce(nonces, n));
    expect(duplicates).toEqual([[10, 20]]);
  });

  it('orders random nonces', () => {
    const n = 2000;
    const nonces = randomBytes(32 * n);
    expect(Array.from(orderByNonce(nonces, n, new Arena(12 * n)))).toEqual(sortedByWholeNonce(nonces, n));
  });
});
