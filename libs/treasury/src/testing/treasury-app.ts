import { Module, type INestApplication } from '@nestjs/common';
import { AuthModule, signedFetch, type ApiCredentials } from '@strongroom/api-auth';
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

/** One signed request to the treasury API: the status and the parsed JSON answer ({} when empty). */
export async function treasuryRequest(url: string, who: ApiCredentials, method: string, path: string, body?: unknown) {
  const res = await signedFetch(url, who, method, path, body);
  const raw = await res.text();
  const parsed: unknown = raw === '' ? {} : JSON.parse(raw);
  return { status: res.status, body: parsed as Record<string, unknown> };
}
