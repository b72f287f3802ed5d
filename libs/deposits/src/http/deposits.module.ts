import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ChainAdapter } from '@strongroom/chains-core';
import { LedgerService } from '@strongroom/ledger';
import type { Database } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import { DATABASE } from '@strongroom/shared-http';
import type { ChainId } from '@strongroom/shared-types';
import { DepositAddresses } from '../addresses/deposit-addresses';
import { DepositQueries } from '../deposit-queries';
import { DepositFollower, type DepositFollowerOptions } from '../follower/deposit-follower';
import { followerLockFor } from '../follower/follower-lock';
import { CustodyWallets } from '../wallets/custody-wallets';
import {
  CustodyWalletsController,
  DepositAddressesController,
  DepositsController,
  IncidentsController,
} from './deposits.controllers';
import { AuditLog } from '@strongroom/audit';

export interface DepositsModuleOptions {
  assets: AssetRegistry;
  /** One adapter per followed chain (already configured with its RPC endpoint). */
  adapters: ChainAdapter[];
  /** Run the chain followers in this process (default true). API-only replicas set false. */
  follow?: boolean;
  /** Per chain: first block on a fresh database (default: the tip at first start). */
  startHeights?: Partial<Record<ChainId, number>>;
  pollMs?: number;
  /** Seen deposits whose transaction vanished: dropped after `dropAfterMs` missing (default 24 h; 10 min on dev chains). */
  vanish?: DepositFollowerOptions['vanish'];
}

export const DEPOSITS_OPTIONS = Symbol('DEPOSITS_OPTIONS');

/** Starts one follower per configured chain; each leads only while it holds its chain's lock. */
@Injectable()
export class DepositFollowers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DepositFollowers');
  readonly followers: DepositFollower[];

  constructor(
    @Inject(DATABASE) db: Database,
    @Inject(DEPOSITS_OPTIONS) private readonly options: DepositsModuleOptions,
    ledger: LedgerService,
  ) {
    this.followers = options.adapters.map(
      (adapter) =>
        new DepositFollower({
          db,
          adapter,
          assets: options.assets,
          ledger,
          lock: followerLockFor(db, adapter.chain),
          startHeight: options.startHeights?.[adapter.chain],
          pollMs: options.pollMs,
          vanish: options.vanish,
          logger: this.logger,
          audit: new AuditLog(db),
        }),
    );
  }

  onApplicationBootstrap(): void {
    if (this.options.follow === false) return;
    for (const f of this.followers) {
      this.logger.log(`following ${f.chain}`);
      f.start();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.followers.map((f) => f.stop()));
  }
}

/**
 * Deposit watching for an app: the address, deposit, incident and wallet APIs, and the chain
 * followers. Needs DATABASE (holding `depositsContext`),
 * LedgerModule and AuthModule in the app.
 */
@Module({})
export class DepositsModule {
  static forRoot(options: DepositsModuleOptions): DynamicModule {
    return {
      module: DepositsModule,
      controllers: [DepositAddressesController, DepositsController, IncidentsController, CustodyWalletsController],
      providers: [
        { provide: DEPOSITS_OPTIONS, useValue: options },
        { provide: CustodyWallets, inject: [DATABASE], useFactory: (db: Database) => new CustodyWallets(db) },
        {
          provide: DepositAddresses,
          inject: [DATABASE, CustodyWallets, LedgerService],
          useFactory: (db: Database, wallets: CustodyWallets, ledger: LedgerService) =>
            new DepositAddresses(db, wallets, options.assets, options.adapters, ledger),
        },
        {
          provide: DepositQueries,
          inject: [DATABASE],
          useFactory: (db: Database) => new DepositQueries(db, options.assets),
        },
        DepositFollowers,
      ],
      exports: [CustodyWallets, DepositAddresses, DepositQueries, DepositFollowers],
    };
  }
}
