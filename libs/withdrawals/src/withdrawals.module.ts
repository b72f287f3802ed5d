import {
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type ModuleMetadata,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { CHAIN_ADAPTERS, type ChainAdapter } from '@strongroom/chains-core';
import type { Database } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import { DATABASE } from '@strongroom/shared-http';
import { ApprovalService } from './requests/approval.service';
import { ApprovalsController } from './http/approvals.controller';
import { PoliciesController } from './http/policies.controller';
import { SolvencyController } from './http/solvency.controller';
import { SweepsController } from './http/sweeps.controller';
import { SweepQueries } from './sweeps/sweep-queries';
import { WithdrawalsController } from './http/withdrawals.controller';
import { createPipelineDeps } from './runner/create-pipeline-deps';
import type { SignerDeps } from './runner/create-pipeline-deps';
import { PipelineRunner, type PipelineRunnerOptions } from './runner/pipeline-runner';
import { PolicyService } from './policy/policy.service';
import {
  DIGEST_SIGNER,
  SWEEP_SOURCE,
  WALLET_DIRECTORY,
  WITHDRAWAL_AUDIT,
  WITHDRAWAL_LEDGER,
  WITHDRAWAL_OUTBOX,
  type AuditPort,
  type Clock,
  type DigestSigner,
  type OutboxPort,
  type SweepSource,
  type WalletDirectory,
  type WithdrawalLedger,
} from './ports';
import { WithdrawalService } from './requests/withdrawal.service';
import { WithdrawalsChangeHandlers } from './withdrawals-change-handlers';
import { PIPELINE_DEPS, WITHDRAWALS_OPTIONS } from './withdrawals.tokens';

export interface WithdrawalsModuleOptions {
  assets?: AssetRegistry;
  clock?: Clock;
  /** Worker configuration; absent = no workers in this process (API only). */
  pipeline?: Omit<PipelineRunnerOptions, 'onError'>;
  /**
   * Providers of the ports: WITHDRAWAL_LEDGER, WITHDRAWAL_AUDIT, WITHDRAWAL_OUTBOX,
   * WALLET_DIRECTORY, DIGEST_SIGNER and CHAIN_ADAPTERS (an array of adapters); SWEEP_SOURCE where
   * a chain's pipeline sweeps deposit addresses; SOLVENCY_HOLDINGS for the solvency gate's on-chain
   * view (without it the gate compares liabilities with the ledger's custody accounts only).
   */
  ports: Provider[];
  /** Modules the port providers need (e.g. AuditModule for AuditLog). */
  imports?: ModuleMetadata['imports'];
}

/** Runs the pipeline's workers for the life of the app. */
class PipelineLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WithdrawalPipeline');
  constructor(private readonly runner: PipelineRunner | null) {}
  onApplicationBootstrap(): void {
    this.runner?.start();
    if (this.runner) this.logger.log(`workers started for ${this.runner.workers.map((w) => w.chain).join(', ')}`);
  }
  async onApplicationShutdown(): Promise<void> {
    await this.runner?.stop();
  }
}

/**
 * The withdrawal context as a NestJS module: API (withdrawals, approvals, policies), services and,
 * when `pipeline` is given, the workers (batcher, signer, broadcaster, confirmer, settler).
 */
@Module({})
export class WithdrawalsModule {
  // Long because the whole provider list stays in one place, so the module's wiring reads top to bottom.
  static forRoot(options: WithdrawalsModuleOptions): DynamicModule {
    const logger = new Logger('WithdrawalPipeline');
    return {
      module: WithdrawalsModule,
      imports: options.imports ?? [],
      controllers: [
        WithdrawalsController,
        ApprovalsController,
        PoliciesController,
        SweepsController,
        SolvencyController,
      ],
      providers: [
        ...options.ports,
        { provide: WITHDRAWALS_OPTIONS, useValue: options },
        {
          provide: PIPELINE_DEPS,
          inject: [
            DATABASE,
            WITHDRAWAL_LEDGER,
            WITHDRAWAL_AUDIT,
            WITHDRAWAL_OUTBOX,
            WALLET_DIRECTORY,
            DIGEST_SIGNER,
            CHAIN_ADAPTERS,
            { token: SWEEP_SOURCE, optional: true },
          ],
          useFactory: (
            db: Database,
            ledger: WithdrawalLedger,
            audit: AuditPort,
            outbox: OutboxPort,
            wallets: WalletDirectory,
            signer: DigestSigner,
            adapters: ChainAdapter[],
            sweepSource?: SweepSource,
          ): SignerDeps =>
            createPipelineDeps({
              db,
              ledger,
              audit,
              outbox,
              wallets,
              signer,
              adapters,
              assets: options.assets,
              clock: options.clock,
              sweepSource,
            }),
        },
        { provide: PolicyService, inject: [PIPELINE_DEPS], useFactory: (d: SignerDeps) => d.policies },
        // Dual-control kinds this context executes, and the app's on-chain view for the solvency gate.
        WithdrawalsChangeHandlers,
        {
          provide: WithdrawalService,
          inject: [PIPELINE_DEPS],
          useFactory: (d: SignerDeps) => new WithdrawalService(d),
        },
        { provide: ApprovalService, inject: [PIPELINE_DEPS], useFactory: (d: SignerDeps) => new ApprovalService(d) },
        { provide: SweepQueries, inject: [PIPELINE_DEPS], useFactory: (d: SignerDeps) => new SweepQueries(d) },
        {
          provide: PipelineRunner,
          inject: [PIPELINE_DEPS],
          useFactory: (d: SignerDeps) =>
            options.pipeline
              ? new PipelineRunner(d, {
                  ...options.pipeline,
                  onError: (err, worker) =>
                    logger.error(`${worker}: ${err instanceof Error ? err.message : String(err)}`),
                })
              : null,
        },
        {
          provide: PipelineLifecycle,
          inject: [PipelineRunner],
          useFactory: (r: PipelineRunner | null) => new PipelineLifecycle(r),
        },
      ],
      exports: [WithdrawalService, ApprovalService, PolicyService, PipelineRunner, PIPELINE_DEPS],
    };
  }
}
