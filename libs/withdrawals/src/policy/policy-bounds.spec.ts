import fc from 'fast-check';
import { evaluatePolicy } from './evaluate-policy';
import { AMOUNT_LIMIT, assertPolicyBounds, assertPolicyCanPass } from './policy-bounds';
import { openPolicyRow } from '../testing/open-policy';
import type { Policy } from './policy.types';

const open: Policy = openPolicyRow('BTC');
const reasonOf = (f: () => void): string | null => {
  try {
    f();
    return null;
  } catch (err) {
    return (err as { extra?: { reason?: string } }).extra?.reason ?? String(err);
  }
};

describe('policy bounds', () => {
  it('refuses amounts at or above 2^256, approvals outside 0..10 and half a breaker', () => {
    expect(reasonOf(() => assertPolicyBounds({ ...open, maxAmount: AMOUNT_LIMIT }))).toBe('amount_out_of_range');
    expect(reasonOf(() => assertPolicyBounds({ ...open, withdrawalFee: AMOUNT_LIMIT }))).toBe('amount_out_of_range');
    expect(reasonOf(() => assertPolicyBounds({ ...open, maxAmount: AMOUNT_LIMIT - 1n }))).toBeNull();
    expect(reasonOf(() => assertPolicyBounds({ ...open, approvalsRequired: 11 }))).toBe('approvals_out_of_range');
    expect(reasonOf(() => assertPolicyBounds({ ...open, approvalsRequired: 0 }))).toBeNull();
    expect(reasonOf(() => assertPolicyBounds({ ...open, breakerLimit: 5n }))).toBe('breaker_incomplete');
  });

  it('a policy it accepts lets some withdrawal through; one it refuses as never_passes lets none through', () => {
    const limit = fc.option(fc.bigInt({ min: 0n, max: 1000n }), { nil: null });
    fc.assert(
      fc.property(
        limit,
        limit,
        limit,
        limit,
        fc.bigInt({ min: 0n, max: 1000n }),
        fc.boolean(),
        (maxAmount, userDailyLimit, clientDailyLimit, breakerLimit, withdrawalFee, emptyAllowlist) => {
          const p: Policy = {
            ...open,
            maxAmount,
            userDailyLimit,
            clientDailyLimit,
            breakerLimit,
            breakerWindowSeconds: breakerLimit === null ? null : 60,
            withdrawalFee,
            allowlist: emptyAllowlist ? [] : null,
          };
          const reason = reasonOf(() => assertPolicyCanPass(p));
          // The smallest withdrawal (one base unit) to an allowed address on an idle day.
          const d = evaluatePolicy(p, {
            amount: 1n,
            destination: 'bcrt1qa',
            userOutflow24h: 0n,
            clientOutflow24h: 0n,
            windowOutflow: 0n,
            paused: false,
          });
          if (reason === null) expect(d.outcome).not.toBe('deny');
          if (reason === 'never_passes') expect(d.outcome).toBe('deny');
          if (reason === 'fee_not_below_max') expect(withdrawalFee >= (maxAmount ?? AMOUNT_LIMIT - 1n)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
