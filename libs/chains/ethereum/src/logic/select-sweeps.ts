/**
 * Which deposit addresses are worth sweeping now: those holding at least the per-asset threshold
 * of some asset (thresholds in base units, chosen so the sweep gas — ~50k per address in a batch,
 * ~83k alone, see docs/benchmarks.md — is small against what moves). Returns the tags and the
 * assets to sweep for them, biggest first, at most `max` per transaction.
 */
export function selectSweeps(
  holdings: readonly { tag: string; balances: Record<string, bigint> }[],
  thresholds: Record<string, bigint>,
  max = 50,
): { tags: string[]; assets: string[] } {
  const due = holdings
    .map((h) => ({ tag: h.tag, assets: Object.entries(h.balances).filter(([a, v]) => thresholds[a] !== undefined && v > 0n && v >= thresholds[a]).map(([a]) => a) }))
    .filter((h) => h.assets.length > 0)
    .sort((a, b) => b.assets.length - a.assets.length || (a.tag < b.tag ? -1 : 1))
    .slice(0, max);
  return { tags: due.map((d) => d.tag), assets: [...new Set(due.flatMap((d) => d.assets))].sort() };
}
