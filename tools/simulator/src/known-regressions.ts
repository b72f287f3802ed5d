/**
 * Seeds that once found a library bug, kept as regressions: the spec runs each in strict mode, so
 * the bug coming back fails CI. Replay: `npm run simulate -- --seed <seed> --steps <steps> --strict --verbose`.
 */
export const KNOWN_REGRESSION_SEEDS: readonly { seed: number; steps: number; code: string; reason: string }[] = [
  {
    seed: 1,
    steps: 150,
    code: 'deposit.vanished_still_seen',
    reason:
      'a seen Bitcoin deposit whose transaction the mempool lost stayed seen forever (fixed 2026-12-02: vanished deposits are dropped after a bound)',
  },
];
