import fc from 'fast-check';
import { hexlify } from 'ethers';
import { AddressSet } from './address-set';

const addr = fc
  .uint8Array({ minLength: 20, maxLength: 20 })
  .filter((b) => b.some((x) => x !== 0))
  .map((b) => hexlify(b));

describe('AddressSet', () => {
  it('answers membership exactly like a Set of lower-case strings, across growth and any case', () => {
    fc.assert(
      fc.property(fc.array(addr, { maxLength: 300 }), fc.array(addr, { maxLength: 50 }), (members, others) => {
        const set = new AddressSet(4);
        const ref = new Set<string>();
        for (const m of members)
          expect(set.add(m.toUpperCase().replace('0X', '0x'))).toBe(!ref.has(m) && ref.add(m) !== undefined);
        expect(set.size).toBe(ref.size);
        for (const m of [...members, ...others]) expect(set.has(m)).toBe(ref.has(m));
      }),
    );
  });

  it('is not fooled by colliding first words or bad input', () => {
    const set = new AddressSet(2);
    const a = `0x12345678${'0'.repeat(31)}1`;
    const b = `0x12345678${'0'.repeat(31)}2`;
    set.add(a);
    expect(set.has(b)).toBe(false);
    set.add(b);
    expect(set.has(b)).toBe(true);
    expect(set.has(null)).toBe(false);
    expect(set.has('0x1234')).toBe(false);
    expect(() => set.add(`0x${'0'.repeat(40)}`)).toThrow(/zero/);
    expect(() => set.add('nope')).toThrow();
  });
});
