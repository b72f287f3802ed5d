/**
 * Seeds that fail in strict mode because of a library bug another change is fixing. The spec keeps
 * each one as a skipped test naming the reason; un-skip (delete the entry) once the fix lands.
 * Replay: `npm run simulate -- --seed <seed> --steps <steps> --strict --verbose`.
 */
export const KNOWN_REGRESSION_SEEDS: readonly { seed: number; steps: number; code: string; reason: string }[] = [
  {
    seed: 1,
    steps: 150,
    code: 'deposit.vanished_still_seen',
    reason: 'a seen Bitcoin deposit whose transaction the mempool lost stays seen forever (issue 17, deposits follower: no expiry of vanished deposits yet)',
  },
];
