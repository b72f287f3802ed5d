import fc from 'fast-check';
import { retryDelayMs } from './backoff';

describe('webhook retry backoff', () => {
  it('grows exponentially up to the ceiling, with at most half of it random', () => {
    const policy = { baseMs: 1_000, maxMs: 60_000 };
    expect(retryDelayMs(1, policy, () => 0)).toBe(500);
    expect(retryDelayMs(1, policy, () => 1)).toBe(1_000);
    expect(retryDelayMs(4, policy, () => 1)).toBe(8_000);
    expect(retryDelayMs(100, policy, () => 1)).toBe(60_000);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const d = retryDelayMs(attempt, policy, () => r);
        const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(30, attempt - 1));
        return d >= exp / 2 - 1 && d <= exp + 1;
      }),
    );
  });
});
