/** How a client retries what is safe to send again. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 4; 1 turns retries off). */
  maxAttempts?: number;
  /** First backoff ceiling; it doubles per attempt (default 200 ms). */
  baseDelayMs?: number;
  /** Backoff ceiling (default 5 s). */
  maxDelayMs?: number;
  /**
   * The longest `Retry-After` the client waits out (default 60 s). A server asking for longer gets
   * its answer returned to the caller instead of a blocked call.
   */
  maxRetryAfterMs?: number;
}

export type RetryPolicy = Required<RetryOptions>;

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 60_000,
};

/** Answers worth another attempt: the request was not acted on, or the failure was on the way. */
const RETRIED_STATUSES = new Set([429, 502, 503, 504]);

export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY, ...options };
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`retry.${name} must be a non-negative number`);
  }
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1)
    throw new RangeError('retry.maxAttempts must be an integer of at least 1');
  return policy;
}

/**
 * Whether a request may be sent twice: safe methods, and requests carrying an Idempotency-Key
 * (the server answers a repeat with the first outcome). Any other POST may already have acted.
 */
export function mayRetry(request: Request): boolean {
  return request.method === 'GET' || request.method === 'HEAD' || request.headers.has('Idempotency-Key');
}

/** Full jitter: uniform in [0, min(max, base · 2^(attempt−1))], so retrying clients spread out. */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP-date; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // HTTP-dates are in GMT (RFC 9110); anything else Date.parse would guess at.
  const at = /GMT$/.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * How long to wait before the next attempt after this answer, or undefined to return it. The
 * server's `Retry-After` wins over the backoff; one longer than the policy allows is not waited out.
 */
export function delayAfterAnswer(
  policy: RetryPolicy,
  response: Response,
  attempt: number,
  random?: () => number,
): number | undefined {
  if (!RETRIED_STATUSES.has(response.status)) return undefined;
  const asked = parseRetryAfter(response.headers.get('Retry-After'));
  if (asked === undefined) return backoffMs(policy, attempt, random);
  return asked <= policy.maxRetryAfterMs ? asked : undefined;
}
