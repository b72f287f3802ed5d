import type { Database } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import { domainError } from '@strongroom/shared-types';
import { ComplianceErrors } from '../compliance.errors';
import type { ChainHoldings } from '../ports';
import type { SnapshotService } from '../snapshot/snapshot.service';

export interface SegregationLine {
  asset: string;
  /** Σ of the client's user balances at the snapshot. */
  balances: string;
  /** Σ held on chain by the client's own custody wallets at the snapshot heights. */
  holdings: string;
  covered: boolean;
  addresses: { address: string; amount: string; walletId: string }[];
}

export interface SegregationReport {
  clientId: string;
  snapshotId: string;
  sequence: string;
  covered: boolean;
  lines: SegregationLine[];
}

/**
 * Per-client report for segregated clients: the client's balances at a snapshot,
 * the addresses of its own wallets that hold them, and whether those holdings cover them.
 */
export class SegregationService {
  constructor(
    private readonly db: Database,
    private readonly snapshots: SnapshotService,
    private readonly chains: ChainHoldings,
    private readonly assets: AssetRegistry,
  ) {}

  async report(snapshotId: string, clientId: string): Promise<SegregationReport> {
    const snap = await this.snapshots.get(snapshotId);
    if (snap.status !== 'complete')
      throw domainError(ComplianceErrors['snapshot.not_complete'], `snapshot ${snapshotId} is ${snap.status}`);
    const sums = await this.db.query<{ asset: string; total: string }>(
      `SELECT asset, sum(balance)::text AS total FROM compliance.snapshot_balances WHERE snapshot_id = $1 AND client_id = $2 GROUP BY asset`,
      [snapshotId, clientId],
    );
    const owed = new Map(sums.map((s) => [s.asset, BigInt(s.total)]));
    const lines: SegregationLine[] = [];
    for (const asset of this.assets.all()) {
      const tip = snap.chainTips.find((t) => t.chain === asset.chain);
      const held = tip ? (await this.chains.holdings(asset.code, tip)).filter((h) => h.clientId === clientId) : [];
      const balances = owed.get(asset.code) ?? 0n;
      const holdings = held.reduce((s, h) => s + h.amount, 0n);
      if (balances === 0n && holdings === 0n) continue;
      lines.push({
        asset: asset.code,
        balances: balances.toString(),
        holdings: holdings.toString(),
        covered: holdings >= balances,
        addresses: held.map((h) => ({ address: h.address, amount: h.amount.toString(), walletId: h.walletId })),
      });
    }
    return { clientId, snapshotId, sequence: snap.sequence, covered: lines.every((l) => l.covered), lines };
  }
}
