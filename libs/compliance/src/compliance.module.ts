import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { AuditLog } from '@strongroom/audit';
import type { Database } from '@strongroom/persistence';
import { AssetRegistry } from '@strongroom/shared-assets';
import { DATABASE } from '@strongroom/shared-http';
import { ProofPublicationController } from './http/proof-publication.controller';
import { ProofsController } from './http/proofs.controller';
import { ReconciliationsController } from './http/reconciliations.controller';
import { SnapshotsController } from './http/snapshots.controller';
import {
  CHAIN_HOLDINGS,
  CHAIN_TIPS,
  LEDGER_CUT,
  PRICE_SOURCE,
  UNBOOKED,
  type ChainHoldings,
  type ChainTips,
  type LedgerCut,
  type UnbookedMovements,
} from './ports';
import type { PriceSource } from './prices/price-source';
import { ReconciliationService } from './reconciliation/reconciliation.service';
import { ReconciliationScheduler, snapshotAndReconcile } from './reconciliation/reconciliation-scheduler';
import { SegregationService } from './segregation/segregation.service';
import { SnapshotService } from './snapshot/snapshot.service';
import { LiabilitiesService } from './proof/liabilities.service';
import { CUSTODY_KEY_SIGNER, ProofOfAssetsService, type CustodyKeySigner } from './assets/proof-of-assets.service';
import { PublicationKey } from './proof/publication/publication-key';
import { PUBLICATION_SIGNER, type PublicationSigner } from './proof/publication/publication-signer';
import { PublicationService } from './proof/publication/publication.service';

// The publication port and services, public through the library's index (which re-exports this file).
export * from './proof/publication';

export interface ComplianceModuleOptions {
  /** The app's database must hold the audit schema: snapshots, reconciliations and published roots are audited. */
  /**
   * Providers for LEDGER_CUT, CHAIN_TIPS, CHAIN_HOLDINGS, UNBOOKED, PRICE_SOURCE and optionally
   * CUSTODY_KEY_SIGNER and PUBLICATION_SIGNER (without it, roots are not signed: 503 `publication.unavailable`).
   */
  ports: Provider[];
  assets: AssetRegistry;
  /** Take a snapshot and reconcile it every this many ms (0 = only on demand). */
  scheduleMs?: number;
  imports?: DynamicModule['imports'];
}

/** Compliance services and their HTTP API; the app supplies the ports (ledger, chains, prices). */
@Module({})
export class ComplianceModule {
  static register(options: ComplianceModuleOptions): DynamicModule {
    return {
      module: ComplianceModule,
      imports: options.imports ?? [],
      controllers: [SnapshotsController, ProofsController, ProofPublicationController, ReconciliationsController],
      providers: [
        ...options.ports,
        { provide: AssetRegistry, useValue: options.assets },
        {
          provide: SnapshotService,
          inject: [DATABASE, LEDGER_CUT, CHAIN_TIPS, PRICE_SOURCE],
          useFactory: (db: Database, cut: LedgerCut, tips: ChainTips, prices: PriceSource) =>
            new SnapshotService(db, cut, tips, prices, options.assets, new AuditLog(db)),
        },
        {
          provide: ReconciliationService,
          inject: [DATABASE, SnapshotService, LEDGER_CUT, CHAIN_HOLDINGS, UNBOOKED],
          useFactory: (db: Database, s: SnapshotService, cut: LedgerCut, h: ChainHoldings, u: UnbookedMovements) =>
            new ReconciliationService(db, s, cut, h, u, options.assets, new AuditLog(db)),
        },
        {
          provide: SegregationService,
          inject: [DATABASE, SnapshotService, CHAIN_HOLDINGS],
          useFactory: (db: Database, s: SnapshotService, h: ChainHoldings) =>
            new SegregationService(db, s, h, options.assets),
        },
        {
          provide: LiabilitiesService,
          inject: [DATABASE, SnapshotService],
          useFactory: (db: Database, s: SnapshotService) => new LiabilitiesService(db, s, new AuditLog(db)),
        },
        {
          provide: ProofOfAssetsService,
          inject: [{ token: CUSTODY_KEY_SIGNER, optional: true }, SnapshotService, CHAIN_TIPS, CHAIN_HOLDINGS],
          useFactory: (signer: CustodyKeySigner | undefined, s: SnapshotService, tips: ChainTips, h: ChainHoldings) =>
            new ProofOfAssetsService(signer ?? null, s, tips, h, options.assets),
        },
        {
          provide: PublicationKey,
          inject: [DATABASE, { token: PUBLICATION_SIGNER, optional: true }],
          useFactory: (db: Database, signer: PublicationSigner | undefined) => new PublicationKey(db, signer ?? null),
        },
        {
          provide: PublicationService,
          inject: [DATABASE, LiabilitiesService, PublicationKey],
          useFactory: (db: Database, l: LiabilitiesService, k: PublicationKey) =>
            new PublicationService(db, l, k, new AuditLog(db)),
        },
        {
          provide: ReconciliationScheduler,
          inject: [DATABASE, SnapshotService, ReconciliationService],
          useFactory: (db: Database, s: SnapshotService, r: ReconciliationService) =>
            new ReconciliationScheduler(db, options.scheduleMs ?? 0, () => snapshotAndReconcile(s, r)),
        },
      ],
      exports: [
        SnapshotService,
        ReconciliationService,
        SegregationService,
        LiabilitiesService,
        ProofOfAssetsService,
        PublicationService,
      ],
    };
  }
}
