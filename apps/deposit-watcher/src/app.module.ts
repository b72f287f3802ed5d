import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@strongroom/api-auth';
import type { ChainAdapter } from '@strongroom/chains-core';
import { depositsContext, DepositsModule } from '@strongroom/deposits';
import { EventsModule, type EventsModuleOptions } from '@strongroom/events';
import { LedgerModule } from '@strongroom/ledger';
import type { Database, DatabaseOptions } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import { DatabaseModule, PlatformModule } from '@strongroom/shared-http';
import type { ChainId } from '@strongroom/shared-types';
import { chainReadinessChecks, type ChainReadinessOptions } from './chain-readiness';

/** The contexts the deposit watcher migrates on start (deposits brings the ledger, outbox, audit and auth). */
export const depositWatcherContexts = [depositsContext];

export interface DepositWatcherAppOptions {
  assets: AssetRegistry;
  adapters: ChainAdapter[];
  startHeights?: Partial<Record<ChainId, number>>;
  follow?: boolean;
  pollMs?: number;
  dropMissingAfterMs?: number;
  /** Webhook delivery (endpoints are managed through `/v1/webhooks/endpoints`); default: the dispatcher runs. */
  webhooks?: EventsModuleOptions;
  /** Bounds of `/health/ready` for the followed chains (nodes synced, followers not lagging). */
  readiness?: ChainReadinessOptions;
}

/**
 * The deposit watcher: address API, deposits and incidents, chain followers, webhook delivery.
 * When following, `/health/ready` also waits for each chain's node and follower.
 */
@Module({})
export class DepositWatcherAppModule {
  static forRoot(
    database: { options: DatabaseOptions } | { db: Database },
    o: DepositWatcherAppOptions,
  ): DynamicModule {
    return {
      module: DepositWatcherAppModule,
      imports: [
        PlatformModule.forApp('deposit-watcher'),
        'db' in database
          ? DatabaseModule.forInstance(database.db)
          : DatabaseModule.forRoot({ ...database.options, contexts: depositWatcherContexts }),
        AuthModule.forRoot(),
        // The ledger's expiry sweeper belongs to the ledger app.
        LedgerModule.forRoot({ sweepIntervalMs: 0 }),
        EventsModule.forRoot(o.webhooks),
        DepositsModule.forRoot({
          assets: o.assets,
          adapters: o.adapters,
          follow: o.follow,
          startHeights: o.startHeights,
          pollMs: o.pollMs,
          vanish: o.dropMissingAfterMs === undefined ? undefined : { dropAfterMs: o.dropMissingAfterMs },
        }),
      ],
      providers: o.follow ? chainReadinessChecks(o.adapters, o.readiness) : [],
    };
  }
}
