import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { AuthModule } from '@strongroom/api-auth';
import { ComplianceModule } from '@strongroom/compliance';
import { DepositWatcherAppModule, type DepositWatcherAppOptions } from './app-modules';
import { LedgerHttpModule, LedgerModule } from '@strongroom/ledger';
import type { Database } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import { DatabaseModule, PlatformModule } from '@strongroom/shared-http';
import { TreasuryModule } from '@strongroom/treasury';
import { DEV_CHAINS, DevChainsController, type DevChains } from './dev/dev-chains.controller';

/**
 * The ledger API of the embedded default: what apps/ledger serves, plus the admin routes that mint
 * API keys (`/v1/auth/keys`: while this process runs it owns the PGlite directory, so the CLI
 * cannot), the compliance API (snapshots, reconciliation, segregation) over local chain reads and
 * the treasury API (hot floats, their policies, rebalances).
 */
@Module({})
export class CustodyLedgerApiModule {
  static forRoot(
    db: Database,
    o: { assets: AssetRegistry; compliancePorts: Provider[]; reconcileEveryMs: number },
  ): DynamicModule {
    return {
      module: CustodyLedgerApiModule,
      imports: [
        PlatformModule.forApp('ledger'),
        DatabaseModule.forInstance(db),
        AuthModule.forRoot({ keyRoutes: true }),
        LedgerModule.forRoot(),
        LedgerHttpModule.forRoot({ assets: o.assets }),
        ComplianceModule.register({ ports: o.compliancePorts, assets: o.assets, scheduleMs: o.reconcileEveryMs }),
        TreasuryModule.register({ assets: o.assets }),
      ],
    };
  }
}

/** The dev faucet and miner (admin only): mounted here, in the embedded default, and nowhere else. */
@Module({})
export class DevChainsModule {
  static forChains(chains: DevChains): DynamicModule {
    return {
      module: DevChainsModule,
      controllers: [DevChainsController],
      providers: [{ provide: DEV_CHAINS, useValue: chains }],
    };
  }
}

/** The deposit watcher app as is, on the shared database and adapters, with the dev faucet beside it. */
@Module({})
export class CustodyDepositsApiModule {
  static forRoot(db: Database, o: DepositWatcherAppOptions, dev: DevChains): DynamicModule {
    return {
      module: CustodyDepositsApiModule,
      imports: [DepositWatcherAppModule.forRoot({ db }, o), DevChainsModule.forChains(dev)],
    };
  }
}
