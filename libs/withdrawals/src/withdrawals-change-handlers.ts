import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { DualControl } from '@strongroom/api-auth';
import type { SignerDeps } from './runner/create-pipeline-deps';
import { policyChangeHandler } from './policy/policy-change.handler';
import { solvencyClearHandler } from './solvency/solvency-clear.handler';
import { useOnChainHoldings } from './solvency/solvency-gate';
import { SOLVENCY_HOLDINGS, type OnChainHoldings } from './solvency/solvency.types';
import { PIPELINE_DEPS } from './withdrawals.tokens';

/** Registers the dual-control kinds this context executes, and gives the solvency gate the app's on-chain view. */
@Injectable()
export class WithdrawalsChangeHandlers implements OnModuleInit {
  constructor(
    private readonly dualControl: DualControl,
    @Inject(PIPELINE_DEPS) private readonly deps: SignerDeps,
    @Optional() @Inject(SOLVENCY_HOLDINGS) private readonly holdings?: OnChainHoldings,
  ) {}

  onModuleInit(): void {
    this.dualControl.register(policyChangeHandler(this.deps));
    this.dualControl.register(solvencyClearHandler(this.deps));
    if (this.holdings) useOnChainHoldings(this.deps, this.holdings);
  }
}
