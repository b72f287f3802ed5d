import fc from 'fast-check';
import { formatAssetUnits, MAX_AMOUNT, parseAssetUnits, parseBaseUnits } from './amount';
import { displayAmount } from './amount-display';
import { DomainError } from './errors';

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as DomainError).code;
  }
  return 'none';
};

describe('amount parsing', () => {
  it('parses base units and refuses what is not a positive integer within uint256', () => {
    expect(parseBaseUnits('150000000')).toBe(150000000n);
    expect(parseBaseUnits(MAX_AMOUNT.toString())).toBe(MAX_AMOUNT);
    expect(codeOf(() => parseBaseUnits('0'))).toBe('amount.not_positive');
    expect(codeOf(() => parseBaseUnits('-5'))).toBe('amount.not_positive');
    expect(codeOf(() => parseBaseUnits('1.5'))).toBe('amount.base_units_expected');
    expect(codeOf(() => parseBaseUnits('0.4'))).toBe('amount.base_units_expected');
    expect(codeOf(() => parseBaseUnits((MAX_AMOUNT + 1n).toString()))).toBe('amount.too_large');
    expect(codeOf(() => parseBaseUnits('1e5'))).toBe('amount.base_units_expected');
    expect(codeOf(() => parseBaseUnits(5 as unknown as string))).toBe('amount.malformed');
    expect(codeOf(() => parseBaseUnits(' 5'))).toBe('amount.base_units_expected');
    expect(codeOf(() => parseBaseUnits('0x10'))).toBe('amount.base_units_expected');
  });

  it('displays base units in asset units with the asset code', () => {
    expect(displayAmount(40000000n, 8, 'BTC')).toBe('0.4 BTC');
    expect(displayAmount('10000', 8, 'BTC')).toBe('0.0001 BTC');
    expect(displayAmount('1000000000000000000', 18, 'ETH')).toBe('1 ETH');
  });

  it('parses asset units and refuses over-precision', () => {
    expect(parseAssetUnits('0.015', 8)).toBe(1500000n);
    expect(parseAssetUnits('1.10000000000', 8)).toBe(110000000n);
    expect(codeOf(() => parseAssetUnits('0.000000001', 8))).toBe('amount.too_precise');
    expect(codeOf(() => parseAssetUnits('0.0', 8))).toBe('amount.not_positive');
  });

  it('round-trips any amount through format and parse', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX_AMOUNT }), fc.integer({ min: 0, max: 30 }), (v, d) => {
        expect(parseAssetUnits(formatAssetUnits(v, d), d)).toBe(v);
      }),
      { numRuns: 2000 },
    );
  });
});
