import { backoffMs, delayAfterAnswer, mayRetry, parseRetryAfter, retryPolicy } from './retry-policy';

describe('retry policy', () => {
  const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 });

  it('reads Retry-After as seconds or an HTTP-date, and nothing else', () => {
    const now = Date.parse('2026-12-03T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 03 Dec 2026 10:00:07 GMT', now)).toBe(7_000);
    expect(parseRetryAfter('Thu, 03 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('backs off exponentially under a ceiling, with full jitter', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(policy, n, () => 0.999))).toEqual([99, 199, 399, 799, 999]);
    expect(backoffMs(policy, 3, () => 0)).toBe(0);
  });

  it('retries 429 and 502/503/504 only, and honours Retry-After up to the limit', () => {
    const answer = (status: number, retryAfter?: string) =>
      new Response(null, { status, headers: retryAfter ? { 'Retry-After': retryAfter } : {} });
    expect(delayAfterAnswer(policy, answer(429, '2'), 1)).toBe(2_000);
    expect(delayAfterAnswer(policy, answer(503, '1'), 1)).toBe(1_000);
    expect(delayAfterAnswer(policy, answer(429, '6'), 1)).toBeUndefined();
    expect(delayAfterAnswer(policy, answer(504), 2, () => 0.5)).toBe(100);
    for (const status of [200, 400, 401, 409, 500]) expect(delayAfterAnswer(policy, answer(status), 1)).toBeUndefined();
  });

  it('retries GET, HEAD and requests with an Idempotency-Key, never another POST', () => {
    const req = (method: string, headers: Record<string, string> = {}) =>
      new Request('http://127.0.0.1/v1/x', { method, headers });
    expect(mayRetry(req('GET'))).toBe(true);
    expect(mayRetry(req('HEAD'))).toBe(true);
    expect(mayRetry(req('POST', { 'idempotency-key': 'k-1' }))).toBe(true);
    expect(mayRetry(req('POST'))).toBe(false);
    expect(mayRetry(req('PUT'))).toBe(false);
  });

  it('refuses a policy without a bounded number of attempts', () => {
    expect(retryPolicy().maxAttempts).toBe(4);
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(RangeError);
    expect(() => retryPolicy({ maxAttempts: Infinity })).toThrow(RangeError);
    expect(() => retryPolicy({ baseDelayMs: -1 })).toThrow(RangeError);
  });
});
