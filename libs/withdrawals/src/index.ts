export * from './withdrawals.context';
export * from './ports';
export * from './withdrawal.types';
export * from './requests/withdrawal.service';
export * from './requests/approval.service';
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
export { listBreakers, listIncidents, type SolvencyBreaker, type SolvencyIncident } from './solvency/solvency-breaker';
export { SOLVENCY_CLEAR_KIND } from './solvency/solvency-clear.handler';
export * from './core/deps';
export { createPipelineDeps, type SignerDeps } from './runner/create-pipeline-deps';
export * from './runner/pipeline-runner';
export * from './core/fault-points';
export { LedgerAccounts, OPERATOR } from './core/ledger-accounts';
export { settlementLegs } from './batches/settlement-legs';
export { holdId } from './core/holds';
export { Batcher } from './batches/batcher';
export { SignerWorker } from './batches/signer.worker';
export { signDigests } from './relayer/sign-digests';
export { NonceFiller, nonceFillGasLeg, type NonceFillerOptions } from './relayer/nonce-filler';
export { Broadcaster } from './batches/broadcaster';
export { Confirmer } from './batches/confirmer';
export { Settler } from './batches/settler';
export { Sweeper, type SweeperOptions } from './sweeps/sweeper';
export type { SweepOptions } from './sweeps/sweep-options';
export { selectDueSweeps } from './sweeps/select-due-sweeps';
export { SweepQueries, type Sweep, type SweepListQuery } from './sweeps/sweep-queries';
export { sweepEvents } from './sweeps/sweep-metrics';
export * from './withdrawals.module';
export * from './withdrawals.tokens';
export { ScriptedChainAdapter } from './testing/scripted-chain-adapter';
export { OPEN_POLICY } from './testing/open-policy';
