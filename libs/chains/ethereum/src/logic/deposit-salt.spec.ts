import fc from 'fast-check';
import { depositSalt } from './deposit-salt';
import { depositTag } from './deposit-tag';

describe('deposit tags and salts', () => {
  it('gives distinct tuples distinct tags (and so distinct salts), even with "/" inside ids', () => {
    const part = fc.string({ maxLength: 6 });
    fc.assert(
      fc.property(part, part, part, fc.nat(5), part, part, part, fc.nat(5), (c1, u1, a1, i1, c2, u2, a2, i2) => {
        const t1 = depositTag({ client: c1, user: u1, asset: a1, index: i1 });
        const t2 = depositTag({ client: c2, user: u2, asset: a2, index: i2 });
        const same = c1 === c2 && u1 === u2 && a1 === a2 && i1 === i2;
        expect(t1 === t2).toBe(same);
        expect(depositSalt(t1) === depositSalt(t2)).toBe(same);
      }),
    );
    expect(depositTag({ client: 'a/b', user: 'c', asset: 'ETH', index: 0 })).not.toBe(
      depositTag({ client: 'a', user: 'b/c', asset: 'ETH', index: 0 }),
    );
    expect(() => depositTag({ client: 'a', user: 'b', asset: 'ETH', index: -1 })).toThrow();
    expect(() => depositSalt('')).toThrow();
  });
});
