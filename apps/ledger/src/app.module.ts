import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule, authMigrations } from '@strongroom/api-auth';
import { auditMigrations } from '@strongroom/audit';
import { LedgerHttpModule, LedgerModule, ledgerMigrations, type LedgerOptions } from '@strongroom/ledger';
import type { Database, DatabaseOptions } from '@strongroom/persistence';
import { DatabaseModule, PlatformModule } from '@strongroom/shared-http';

/** Every migration the ledger app applies on start. */
export const ledgerAppMigrations = [...ledgerMigrations, ...authMigrations, ...auditMigrations];

/** The ledger app: a thin composition root around LedgerModule and its HTTP API. */
@Module({})
export class LedgerAppModule {
  static forRoot(database: { options: DatabaseOptions } | { db: Database }, ledger: LedgerOptions = {}): DynamicModule {
    return {
      module: LedgerAppModule,
      imports: [
        PlatformModule.forApp('ledger'),
        'db' in database ? DatabaseModule.forInstance(database.db) : DatabaseModule.forRoot({ ...database.options, migrations: ledgerAppMigrations }),
        AuthModule.forRoot(),
        LedgerModule.forRoot(ledger),
        LedgerHttpModule,
      ],
    };
  }
}
