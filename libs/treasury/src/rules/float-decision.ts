import type { Bounds } from './float-policy';

export type FloatOutcome = 'ok' | 'above_upper' | 'below_lower';

export interface FloatDecision {
  outcome: FloatOutcome;
  /** hot → cold (above) or cold → hot (below), in base units; 0 when ok. */
  amount: bigint;
  reason: string;
}

/**
 * Above the upper bound: move the excess down to the target. Below the lower bound: ask for
 * enough to reach the target. Between the bounds nothing moves (the band absorbs the daily swing,
 * so the wallets are not shuffled every tick).
 */
export function decide(balance: bigint, b: Bounds): FloatDecision {
  if (balance > b.upper)
    return {
      outcome: 'above_upper',
      amount: balance - b.target,
      reason: `hot balance ${balance} above upper bound ${b.upper}: move the excess down to target ${b.target}`,
    };
  if (balance < b.lower)
    return {
      outcome: 'below_lower',
      amount: b.target - balance,
      reason: `hot balance ${balance} below lower bound ${b.lower}: replenish up to target ${b.target}`,
    };
  return { outcome: 'ok', amount: 0n, reason: `hot balance ${balance} within [${b.lower}, ${b.upper}]` };
}
