export { withdrawalsMigrations } from './migrations';
export * from './ports';
export * from './withdrawal.types';
export * from './withdrawal.service';
export * from './approval.service';
export * from './policy/policy.types';
export * from './policy/policy.service';
export { evaluatePolicy, effectivePolicy } from './policy/evaluate-policy';
export { AMOUNT_LIMIT, MAX_APPROVALS } from './policy/policy-bounds';
export { POLICY_CHANGE_KIND } from './policy/policy-change.handler';
export * from './solvency/solvency.types';
export {
  assertSolventBeforeSigning,
  checkSolvency,
  SolvencyRefused,
  useOnChainHoldings,
} from './solvency/solvency-gate';
export { listBreakers, listIncidents, type SolvencyBreaker } from './solvency/solvency-breaker';
export { SOLVENCY_CLEAR_KIND } from './solvency/solvency-clear.handler';
export * from './pipeline/pipeline-deps';
export { createPipelineDeps } from './pipeline/create-pipeline-deps';
export * from './pipeline/pipeline-runner';
export * from './pipeline/fault-points';
export { LedgerAccounts, OPERATOR } from './pipeline/ledger-accounts';
export { settlementLegs, holdId } from './pipeline/settlement-legs';
export { Batcher } from './pipeline/batcher';
export { SignerWorker } from './pipeline/signer.worker';
export {
  isNonceFillable,
  isRelayCapable,
  signDigests,
  type NonceFillable,
  type RelayCapable,
} from './pipeline/relay-round';
export { NonceFiller, nonceFillGasLeg, type NonceFillerOptions } from './pipeline/nonce-filler';
export { Broadcaster } from './pipeline/broadcaster';
export { Confirmer } from './pipeline/confirmer';
export { Settler } from './pipeline/settler';
export { Sweeper, type SweeperOptions } from './sweeps/sweeper';
export type { SweepOptions } from './sweeps/sweep-options';
export { isSweepCapable, type SweepCapable, type SweepOutcome } from './sweeps/sweep-capable';
export { selectDueSweeps } from './sweeps/select-due-sweeps';
export { SweepQueries, type Sweep, type SweepListQuery } from './sweeps/sweep-queries';
export { sweepEvents } from './sweeps/sweep-metrics';
export * from './withdrawals.module';
export * from './withdrawals.tokens';
export { ScriptedChainAdapter } from './testing/scripted-chain-adapter';
