import fc from 'fast-check';
import { sumDecimals, valueOf } from './value-of';

describe('valueOf', () => {
  it('values base units exactly', () => {
    expect(valueOf(150000000n, 8, '64250.17')).toBe('96375.255');
    expect(valueOf(1n, 18, '3000')).toBe('0.000000000000003');
    expect(valueOf(0n, 6, '1.0001')).toBe('0');
    expect(valueOf(123456789n, 6, '0.9998')).toBe('123.4320976422');
  });

  it('is additive: value(a)+value(b) = value(a+b), exactly', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        fc.integer({ min: 0, max: 18 }),
        fc.stringMatching(/^[0-9]{1,7}\.[0-9]{1,8}$/),
        (a, b, d, p) => {
          expect(sumDecimals([valueOf(a, d, p), valueOf(b, d, p)])).toBe(valueOf(a + b, d, p));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
