import fc from 'fast-check';
import { bumpFees } from './bump-fees';
import { nextRelayerNonce } from './next-relayer-nonce';

describe('bumpFees', () => {
  it('raises both caps by at least 10% and never puts the tip above the cap', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.bigInt({ min: 0n, max: 10n ** 13n }),
        (tip, extra, wanted) => {
          const prev = { maxPriorityFeePerGas: tip, maxFeePerGas: tip + extra };
          const next = bumpFees(prev, { maxPriorityFeePerGas: wanted });
          expect(next.maxPriorityFeePerGas * 10n).toBeGreaterThanOrEqual(prev.maxPriorityFeePerGas * 11n);
          expect(next.maxFeePerGas * 10n).toBeGreaterThanOrEqual(prev.maxFeePerGas * 11n);
          expect(next.maxPriorityFeePerGas).toBeGreaterThanOrEqual(wanted);
          expect(next.maxFeePerGas).toBeGreaterThanOrEqual(next.maxPriorityFeePerGas);
        },
      ),
    );
  });
  it('refuses to go past a ceiling', () => {
    expect(() => bumpFees({ maxFeePerGas: 100n, maxPriorityFeePerGas: 1n }, {}, 109n)).toThrow(
      expect.objectContaining({ code: 'withdrawal.fee_ceiling' }),
    );
    expect(bumpFees({ maxFeePerGas: 100n, maxPriorityFeePerGas: 1n }, {}, 110n)).toEqual({
      maxFeePerGas: 110n,
      maxPriorityFeePerGas: 2n,
    });
  });
});

describe('nextRelayerNonce', () => {
  it('never reuses a reserved nonce and never goes below the chain', () => {
    expect(nextRelayerNonce(5, null)).toBe(5);
    expect(nextRelayerNonce(5, 7)).toBe(8);
    expect(nextRelayerNonce(9, 7)).toBe(9);
    expect(() => nextRelayerNonce(-1, null)).toThrow();
  });
});
