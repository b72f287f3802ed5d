import fc from 'fast-check';
import { RateLimiter, type Clock } from './rate-limiter';

/** A clock that only moves when someone sleeps; records when each caller was let through. */
function fakeClock(): Clock & { t: number } {
  const c = {
    t: 0,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.t = Math.max(c.t, ms + c.t);
    },
  };
  return c;
}

describe('RateLimiter', () => {
  it('lets a burst through at once, then spaces calls at the configured rate', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(100, 50, clock);
    const passed: number[] = [];
    for (let i = 0; i < 60; i++) {
      await limiter.take();
      passed.push(clock.t);
    }
    expect(passed.slice(0, 50).every((t) => t === 0)).toBe(true);
    expect(passed[50]).toBeCloseTo(10, 6);
    expect(passed[59]).toBeCloseTo(100, 6);
  });

  it('never lets more than burst + rate·t calls through by time t', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 300 }),
        async (rate, burst, calls) => {
          const clock = fakeClock();
          const limiter = new RateLimiter(rate, burst, clock);
          for (let i = 1; i <= calls; i++) {
            await limiter.take();
            expect(i).toBeLessThanOrEqual(burst + (rate * clock.t) / 1000 + 1e-6);
          }
        },
      ),
    );
  });

  it('is a no-op when unlimited', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(Infinity, 1, clock);
    for (let i = 0; i < 1000; i++) await limiter.take();
    expect(clock.t).toBe(0);
  });
});
