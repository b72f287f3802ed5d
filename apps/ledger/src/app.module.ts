import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@strongroom/api-auth';
import { complianceContext, ComplianceModule } from '@strongroom/compliance';
import { ledgerContext, LedgerHttpModule, LedgerModule, type LedgerOptions } from '@strongroom/ledger';
import type { Database, DatabaseOptions } from '@strongroom/persistence';
import { AssetRegistry } from '@strongroom/shared-assets';
import { DatabaseModule, PlatformModule } from '@strongroom/shared-http';
import { treasuryContext, TreasuryModule } from '@strongroom/treasury';
import { compliancePortsFromEnv } from './compliance-ports';

/**
 * The contexts the ledger app serves and migrates on start. Compliance reads what the deposit
 * watcher and the withdrawal signer record (cursors, deposits, batches), so their schemas come
 * with it: migrations are shared and applied once, whichever app starts first.
 */
export const ledgerAppContexts = [ledgerContext, complianceContext, treasuryContext];

export interface LedgerAppOptions {
  ledger?: LedgerOptions;
  assets?: AssetRegistry;
  /** Environment for the compliance ports (chains, prices); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Take a snapshot and reconcile it every this many ms (0 = on demand only). */
  reconcileEveryMs?: number;
}

/** The ledger app: the ledger's API, the compliance API (snapshots, reconciliation, proofs) and the treasury API. */
@Module({})
export class LedgerAppModule {
  static forRoot(
    database: { options: DatabaseOptions } | { db: Database },
    options: LedgerAppOptions = {},
  ): DynamicModule {
    const assets = options.assets ?? new AssetRegistry();
    return {
      module: LedgerAppModule,
      imports: [
        PlatformModule.forApp('ledger'),
        'db' in database
          ? DatabaseModule.forInstance(database.db)
          : DatabaseModule.forRoot({ ...database.options, contexts: ledgerAppContexts }),
        AuthModule.forRoot(),
        LedgerModule.forRoot(options.ledger ?? {}),
        LedgerHttpModule.forRoot({ assets }),
        ComplianceModule.register({
          ports: compliancePortsFromEnv(assets, options.env),
          assets,
          scheduleMs: options.reconcileEveryMs ?? 0,
        }),
        TreasuryModule.register({ assets }),
      ],
    };
  }
}
