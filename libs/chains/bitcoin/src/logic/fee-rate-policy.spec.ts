import { dustThreshold } from './dust-threshold';
import { feeRatePolicy } from './fee-rate-policy';

const bounds = { min: 1, max: 100 };

describe('feeRatePolicy', () => {
  it('takes the batch rate, else the estimate, else the default', () => {
    expect(feeRatePolicy('12.5', 30, 5, bounds)).toBe(12.5);
    expect(feeRatePolicy(undefined, 30, 5, bounds)).toBe(30);
    expect(feeRatePolicy(undefined, undefined, 5, bounds)).toBe(5);
  });
  it('refuses rates outside the bounds instead of clamping', () => {
    expect(() => feeRatePolicy('0.5', undefined, 5, bounds)).toThrow(
      expect.objectContaining({ code: 'withdrawal.fee_rate_out_of_bounds' }),
    );
    expect(() => feeRatePolicy(undefined, 500, 5, bounds)).toThrow(
      expect.objectContaining({ code: 'withdrawal.fee_rate_out_of_bounds' }),
    );
    expect(() => feeRatePolicy('1e3', undefined, 5, bounds)).toThrow(
      expect.objectContaining({ code: 'withdrawal.fee_rate_invalid' }),
    );
  });
});

describe('dustThreshold (Bitcoin Core, 3 sat/vB)', () => {
  it.each([
    ['p2pkh', `76a914${'00'.repeat(20)}88ac`, 546n],
    ['p2sh', `a914${'00'.repeat(20)}87`, 540n],
    ['p2wpkh', `0014${'00'.repeat(20)}`, 294n],
    ['p2wsh', `0020${'00'.repeat(32)}`, 330n],
    ['p2tr', `5120${'00'.repeat(32)}`, 330n],
  ])('%s', (_kind, script, dust) => expect(dustThreshold(Buffer.from(script, 'hex'))).toBe(dust));
});
