import { AuditLog } from '@strongroom/audit';
import { LedgerCutReader, LedgerService } from '@strongroom/ledger';
import type { Database } from '@strongroom/persistence';
import { AssetRegistry } from '@strongroom/shared-assets';
import { StaticPriceSource } from '../prices/price-source';
import { LiabilitiesService } from '../proof/liabilities.service';
import { SnapshotService } from '../snapshot/snapshot.service';

/** Snapshots of the ledger of `db` alone: no chain tips, no prices (what the proof specs need). */
export const ledgerOnlySnapshots = (db: Database): SnapshotService =>
  new SnapshotService(
    db,
    new LedgerCutReader(db),
    { tips: async () => [] },
    new StaticPriceSource({ quote: 'USD', prices: {} }),
    new AssetRegistry(),
  );

/** The ledger of `db`, its snapshots as above, and the proofs of liabilities over them. */
export function ledgerOnlyProofs(db: Database): {
  ledger: LedgerService;
  snapshots: SnapshotService;
  liabilities: LiabilitiesService;
} {
  const snapshots = ledgerOnlySnapshots(db);
  return {
    ledger: new LedgerService(db, { sweepIntervalMs: 0 }),
    snapshots,
    liabilities: new LiabilitiesService(db, snapshots, new AuditLog(db)),
  };
}
