import { Module, type INestApplication } from '@nestjs/common';
import { AuthModule } from '@strongroom/api-auth';
import { LedgerModule } from '@strongroom/ledger';
import type { Database } from '@strongroom/persistence';
import { AssetRegistry } from '@strongroom/shared-assets';
import { DatabaseModule, PlatformModule, startHttpApp } from '@strongroom/shared-http';
import { TreasuryModule } from '../treasury.module';

/** The treasury API alone over a test database (ledger and auth beside it, no schedule): for API and CLI specs. */
export async function startTreasuryApp(db: Database): Promise<{ app: INestApplication; url: string }> {
  @Module({
    imports: [
      PlatformModule.forApp('treasury-api'),
      DatabaseModule.forInstance(db),
      AuthModule.forRoot(),
      LedgerModule.forRoot({ sweepIntervalMs: 0 }),
      TreasuryModule.register({ assets: new AssetRegistry(), scheduleMs: 0 }),
    ],
  })
  class TreasuryApp {}
  return startHttpApp(TreasuryApp, {
    ...{ name: 'treasury-api', title: 't', description: 't' },
    ...{ port: 0, shutdownHooks: false },
  });
}
