import { setTimeout as sleep } from 'node:timers/promises';

/** Time source of the limiter (replaceable in unit tests). */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<unknown>;
}

const realClock: Clock = { now: () => performance.now(), sleep: (ms) => sleep(ms) };

/**
 * A client-side request rate limit (GCRA, i.e. a token bucket kept as one timestamp): callers
 * reserve the next free slot and wait for it, so bursts up to `burst` pass at once and the long-run
 * rate never exceeds `perSecond`. KMS quotas are per account and region, so one limiter should
 * front all calls of a process.
 */
export class RateLimiter {
  private tat = 0;
  private readonly interval: number;

  constructor(
    readonly perSecond: number,
    private readonly burst = Math.max(1, Math.min(perSecond, 50)),
    private readonly clock: Clock = realClock,
  ) {
    if (!(perSecond > 0)) throw new Error(`requestsPerSecond must be > 0, not ${perSecond}`);
    this.interval = 1000 / perSecond;
  }

  async take(): Promise<void> {
    if (!Number.isFinite(this.perSecond)) return;
    const now = this.clock.now();
    this.tat = Math.max(this.tat, now);
    const wait = this.tat - now - (this.burst - 1) * this.interval;
    this.tat += this.interval;
    if (wait > 0) await this.clock.sleep(wait);
  }
}
