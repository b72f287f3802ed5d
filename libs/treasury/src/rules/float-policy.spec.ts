import { decide } from './float-decision';
import { boundsOf, percentile, rolling24hSums, runoutSeconds, type Outflow } from './float-policy';

const NOW = new Date('2026-12-04T12:00:00Z');
const at = (hoursAgo: number, amount: bigint): Outflow => ({
  at: new Date(NOW.getTime() - hoursAgo * 3_600_000),
  amount,
});

describe('float policy arithmetic', () => {
  it('p95 is the nearest rank', () => {
    expect(percentile([], 95)).toBe(0n);
    expect(percentile([5n], 95)).toBe(5n);
    const hundred = Array.from({ length: 100 }, (_, i) => BigInt(i + 1));
    expect(percentile(hundred, 95)).toBe(95n);
  });

  it('rolling 24 h windows step by the hour and count each outflow in the windows covering it', () => {
    const sums = rolling24hSums([at(0.5, 10n), at(30, 7n)], NOW, 2);
    expect(sums).toHaveLength(48);
    expect(sums[0]).toBe(10n); // window (now-24h, now]
    expect(sums[7]).toBe(7n); // ends 7 h ago: holds the one 30 h ago, not the one 30 min ago
    expect(sums[1]).toBe(0n);
  });

  it('an outflow rule: p95 × cover days + buffer, bounds as fractions of the target', () => {
    // One day of 100 per hour for every hour of 3 days: every window sums 2 400.
    const flows = Array.from({ length: 96 }, (_, h) => at(h + 0.5, 100n));
    const b = boundsOf(
      { kind: 'outflow', lookbackDays: 3, coverDays: 7, buffer: 1_000n, lowerBps: 5_000, upperBps: 15_000 },
      flows,
      NOW,
    );
    expect(b).toEqual({ p95: 2_400n, target: 17_800n, lower: 8_900n, upper: 26_700n });
  });

  it('decides: above upper → the excess down to target; below lower → up to target; else nothing', () => {
    const b = { target: 1_000n, lower: 500n, upper: 1_500n };
    expect(decide(1_600n, b)).toMatchObject({ outcome: 'above_upper', amount: 600n });
    expect(decide(499n, b)).toMatchObject({ outcome: 'below_lower', amount: 501n });
    expect(decide(1_500n, b)).toMatchObject({ outcome: 'ok', amount: 0n });
    expect(decide(500n, b)).toMatchObject({ outcome: 'ok', amount: 0n });
  });

  it('run-out: balance over the last 24 h rate; none without outflows', () => {
    expect(runoutSeconds(1_000n, [], NOW)).toBeNull();
    expect(runoutSeconds(1_000n, [at(1, 2_000n), at(25, 9_999n)], NOW)).toBe(43_200);
  });
});
