import { Inject, Injectable, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { DualControl } from '@strongroom/api-auth';
import { AuditLog } from '@strongroom/audit';
import { LedgerService } from '@strongroom/ledger';
import type { Database } from '@strongroom/persistence';
import { AssetRegistry } from '@strongroom/shared-assets';
import { DATABASE } from '@strongroom/shared-http';
import { WalletDirectory } from '@strongroom/wallets';
import { LedgerFloatInputs } from './float/float-inputs';
import { FloatScheduler, recordLatestFloats } from './float/float-scheduler';
import { FloatService } from './float/float-service';
import { TreasuryController } from './http/treasury.controller';
import { policyChangeHandler } from './policy/policy-change.handler';
import { PolicyStore } from './policy/policy-store';

export interface TreasuryModuleOptions {
  assets: AssetRegistry;
  /**
   * Recompute every float this often (ms); 0 = never on a schedule. One replica per slot runs it.
   * Default: TREASURY_FLOAT_EVERY_MS, else every 5 minutes.
   */
  scheduleMs?: number;
}

const DEFAULT_EVERY_MS = 300_000;

function scheduleFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TREASURY_FLOAT_EVERY_MS;
  if (raw === undefined || raw === '') return DEFAULT_EVERY_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0)
    throw new Error(`TREASURY_FLOAT_EVERY_MS must be a whole number of ms, not ${raw}`);
  return ms;
}

/** Registers the `treasury.policy` dual-control kind with the app's DualControl. */
@Injectable()
class TreasuryChangeHandlers implements OnModuleInit {
  constructor(
    private readonly dualControl: DualControl,
    @Inject(PolicyStore) private readonly policies: PolicyStore,
    @Inject(AssetRegistry) private readonly assets: AssetRegistry,
  ) {}

  onModuleInit(): void {
    this.dualControl.register(policyChangeHandler(this.assets, this.policies));
  }
}

/** The treasury's services, scheduler and HTTP API. Needs LedgerModule (LedgerService) and AuthModule in the app. */
@Module({})
export class TreasuryModule {
  static register(options: TreasuryModuleOptions): DynamicModule {
    return {
      module: TreasuryModule,
      controllers: [TreasuryController],
      providers: [
        { provide: AssetRegistry, useValue: options.assets },
        {
          provide: PolicyStore,
          inject: [DATABASE],
          useFactory: (db: Database) => new PolicyStore(db, new AuditLog(db)),
        },
        {
          provide: FloatService,
          inject: [DATABASE, PolicyStore, LedgerService],
          useFactory: (db: Database, policies: PolicyStore, ledger: LedgerService) =>
            new FloatService(
              db,
              policies,
              new LedgerFloatInputs(ledger),
              new WalletDirectory(db),
              options.assets,
              new AuditLog(db),
            ),
        },
        {
          provide: FloatScheduler,
          inject: [DATABASE, FloatService],
          useFactory: (db: Database, floats: FloatService) =>
            new FloatScheduler(
              db,
              options.scheduleMs ?? scheduleFromEnv(),
              (slot) => floats.recompute(slot),
              Date.now,
              () => recordLatestFloats(db),
            ),
        },
        TreasuryChangeHandlers,
      ],
      exports: [FloatService, PolicyStore],
    };
  }
}
