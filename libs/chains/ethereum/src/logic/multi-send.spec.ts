import fc from 'fast-check';
import { getAddress, hexlify } from 'ethers';
import { decodeMultiSend } from './decode-multi-send';
import { encodeMultiSend } from './encode-multi-send';

const call = fc.record({
  operation: fc.constantFrom(0, 1),
  to: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => getAddress(hexlify(b))),
  value: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
  data: fc.uint8Array({ maxLength: 100 }).map((b) => hexlify(b)),
});

describe('MultiSend packing', () => {
  it('decodes exactly what it encodes', () => {
    fc.assert(
      fc.property(fc.array(call, { minLength: 1, maxLength: 8 }), (calls) =>
        expect(decodeMultiSend(encodeMultiSend(calls))).toEqual(calls),
      ),
    );
  });

  it('refuses a truncated packing', () => {
    const data = encodeMultiSend([
      { operation: 0, to: getAddress(`0x${'11'.repeat(20)}`), value: 1n, data: '0xabcdef' },
    ]);
    // Shorten the inner bytes' declared length by one: the last call's data runs past the end.
    const cut = data.replace(
      /0000000000000000000000000000000000000000000000000000000000000058/,
      '0000000000000000000000000000000000000000000000000000000000000057',
    );
    expect(cut).not.toBe(data);
    expect(() => decodeMultiSend(cut)).toThrow();
  });
});
