import fc from 'fast-check';
import { depositSalt } from './deposit-salt';

describe('deposit salts', () => {
  it('gives distinct tags distinct salts, and refuses an empty tag', () => {
    const tag = fc.string({ minLength: 1, maxLength: 24 });
    fc.assert(
      fc.property(tag, tag, (t1, t2) => {
        expect(depositSalt(t1) === depositSalt(t2)).toBe(t1 === t2);
      }),
    );
    expect(() => depositSalt('')).toThrow();
  });
});
