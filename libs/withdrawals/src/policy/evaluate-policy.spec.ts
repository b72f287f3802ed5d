import fc from 'fast-check';
import { effectivePolicy, evaluatePolicy } from './evaluate-policy';
import { openPolicyRow } from '../testing/open-policy';
import type { Policy, PolicyFacts } from './policy.types';

const base: Policy = openPolicyRow('BTC');
const facts = (f: Partial<PolicyFacts> = {}): PolicyFacts => ({
  amount: 100n,
  destination: 'bcrt1qa',
  userOutflow24h: 0n,
  clientOutflow24h: 0n,
  windowOutflow: 0n,
  paused: false,
  ...f,
});

describe('evaluatePolicy', () => {
  it('names the rule that fired, limits inclusive', () => {
    expect(evaluatePolicy(null, facts())).toMatchObject({
      outcome: 'deny',
      rule: 'no_policy',
      code: 'withdrawal.no_policy',
    });
    expect(evaluatePolicy(base, facts())).toEqual({ outcome: 'approve', rule: 'auto_approve' });
    expect(evaluatePolicy({ ...base, maxAmount: 100n }, facts()).outcome).toBe('approve');
    expect(evaluatePolicy({ ...base, maxAmount: 99n }, facts())).toMatchObject({ outcome: 'deny', rule: 'max_amount' });
    expect(evaluatePolicy({ ...base, allowlist: ['BCRT1QA'] }, facts()).outcome).toBe('approve');
    expect(evaluatePolicy({ ...base, allowlist: ['bcrt1qb'] }, facts())).toMatchObject({ rule: 'allowlist' });
    expect(evaluatePolicy({ ...base, userDailyLimit: 150n }, facts({ userOutflow24h: 50n })).outcome).toBe('approve');
    expect(evaluatePolicy({ ...base, userDailyLimit: 150n }, facts({ userOutflow24h: 51n }))).toMatchObject({
      rule: 'velocity_user',
    });
    expect(evaluatePolicy({ ...base, clientDailyLimit: 150n }, facts({ clientOutflow24h: 51n }))).toMatchObject({
      rule: 'velocity_client',
    });
    expect(
      evaluatePolicy({ ...base, breakerLimit: 150n, breakerWindowSeconds: 60 }, facts({ windowOutflow: 51n })),
    ).toMatchObject({ rule: 'circuit_breaker', tripBreaker: true });
    expect(evaluatePolicy(base, facts({ paused: true }))).toMatchObject({
      rule: 'circuit_breaker',
      code: 'policy.asset_paused',
    });
    expect(evaluatePolicy({ ...base, approvalThreshold: 100n }, facts()).outcome).toBe('approve');
    expect(evaluatePolicy({ ...base, approvalThreshold: 99n, approvalsRequired: 3 }, facts())).toEqual({
      outcome: 'await_approval',
      rule: 'approval_threshold',
      approvalsRequired: 3,
    });
    expect(evaluatePolicy({ ...base, approvalThreshold: 99n, approvalsRequired: 0 }, facts()).outcome).toBe('approve');
  });

  it('never lets a withdrawal through that breaks any configured limit', () => {
    const opt = fc.option(fc.bigInt({ min: 0n, max: 1000n }), { nil: null });
    fc.assert(
      fc.property(
        opt,
        opt,
        opt,
        opt,
        fc.bigInt({ min: 1n, max: 1000n }),
        fc.bigInt({ min: 0n, max: 1000n }),
        fc.bigInt({ min: 0n, max: 1000n }),
        fc.bigInt({ min: 0n, max: 1000n }),
        (max, user, client, breaker, amount, u, c, w) => {
          const p = {
            ...base,
            maxAmount: max,
            userDailyLimit: user,
            clientDailyLimit: client,
            breakerLimit: breaker,
            breakerWindowSeconds: breaker === null ? null : 60,
          };
          const d = evaluatePolicy(p, facts({ amount, userOutflow24h: u, clientOutflow24h: c, windowOutflow: w }));
          const breaks =
            (max !== null && amount > max) ||
            (user !== null && u + amount > user) ||
            (client !== null && c + amount > client) ||
            (breaker !== null && w + amount > breaker);
          expect(d.outcome === 'deny').toBe(breaks);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('overlays a client override on the asset default, except the breaker', () => {
    const own = {
      ...base,
      clientId: 'acme',
      maxAmount: 5n,
      breakerLimit: 1n,
      breakerWindowSeconds: 1,
      withdrawalFee: 7n,
    };
    const e = effectivePolicy({ ...base, userDailyLimit: 10n, breakerLimit: 100n, breakerWindowSeconds: 60 }, own);
    expect(e).toMatchObject({
      clientId: 'acme',
      maxAmount: 5n,
      userDailyLimit: 10n,
      breakerLimit: 100n,
      breakerWindowSeconds: 60,
      withdrawalFee: 7n,
    });
  });
});
