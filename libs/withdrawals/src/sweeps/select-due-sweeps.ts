/**
 * Which deposit addresses are worth sweeping now: those holding at least the threshold of some
 * asset (base units; an asset without a threshold never makes an address due). Thresholds are
 * chosen so the sweep's gas — ~50k per address in a batch, ~83k alone (docs/benchmarks.md) — is
 * small against what moves. Returns the due tags, the most assets due first, at most `max`, and
 * the assets due anywhere among them: their tokens are swept from every chosen address.
 */
export function selectDueSweeps(
  holdings: readonly { tag: string; balances: Record<string, bigint> }[],
  thresholds: Record<string, bigint>,
  max: number,
): { tags: string[]; assets: string[] } {
  const due = holdings
    .map((h) => ({
      tag: h.tag,
      assets: Object.entries(h.balances)
        .filter(([a, v]) => thresholds[a] !== undefined && v > 0n && v >= thresholds[a])
        .map(([a]) => a),
    }))
    .filter((h) => h.assets.length > 0)
    .sort((a, b) => b.assets.length - a.assets.length || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0))
    .slice(0, max);
  return { tags: due.map((d) => d.tag), assets: [...new Set(due.flatMap((d) => d.assets))].sort() };
}
