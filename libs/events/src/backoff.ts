export interface BackoffPolicy {
  /** Delay after the first failure. */
  baseMs: number;
  /** Ceiling of the exponential part. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 15 * 60_000 };

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so receivers
 * coming back up are not hit by every dispatcher replica in the same instant.
 * `attempt` is the number of attempts made so far (≥ 1).
 */
export function retryDelayMs(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  return Math.round(exp / 2 + (exp / 2) * random());
}
