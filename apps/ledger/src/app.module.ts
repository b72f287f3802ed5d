import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule, authMigrations } from '@strongroom/api-auth';
import { auditMigrations } from '@strongroom/audit';
import { ComplianceModule, complianceMigrations } from '@strongroom/compliance';
import { depositsMigrations } from '@strongroom/deposits';
import { eventsMigrations } from '@strongroom/events';
import { LedgerHttpModule, LedgerModule, ledgerMigrations, type LedgerOptions } from '@strongroom/ledger';
import type { Database, DatabaseOptions } from '@strongroom/persistence';
import { AssetRegistry } from '@strongroom/shared-assets';
import { DatabaseModule, PlatformModule } from '@strongroom/shared-http';
import { withdrawalsMigrations } from '@strongroom/withdrawals';
import { compliancePortsFromEnv } from './compliance-ports';

/**
 * Every migration the ledger app applies on start. Compliance reads what the deposit watcher and
 * the withdrawal signer record (cursors, deposits, batches), so their schemas are created here too:
 * migrations are shared and applied once, whichever app starts first.
 */
export const ledgerAppMigrations = [
  ...ledgerMigrations,
  ...authMigrations,
  ...auditMigrations,
  ...eventsMigrations,
  ...depositsMigrations,
  ...withdrawalsMigrations,
  ...complianceMigrations,
];

export interface LedgerAppOptions {
  ledger?: LedgerOptions;
  assets?: AssetRegistry;
  /** Environment for the compliance ports (chains, prices); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Take a snapshot and reconcile it every this many ms (0 = on demand only). */
  reconcileEveryMs?: number;
}

/** The ledger app: the ledger's API plus the compliance API (snapshots, reconciliation, proofs, audit-backed). */
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
          : DatabaseModule.forRoot({ ...database.options, migrations: ledgerAppMigrations }),
        AuthModule.forRoot(),
        LedgerModule.forRoot(options.ledger ?? {}),
        LedgerHttpModule.forRoot({ assets }),
        ComplianceModule.register({
          ports: compliancePortsFromEnv(assets, options.env),
          assets,
          scheduleMs: options.reconcileEveryMs ?? 0,
        }),
      ],
    };
  }
}
