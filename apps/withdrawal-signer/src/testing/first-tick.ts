// Test fixture: a pipeline runner's first tick over an approved withdrawal, as an end-to-end spec checks it.
import type { ChainPipelineOptions, PipelineRunner, Withdrawal } from '@strongroom/withdrawals';
import { getWithdrawal } from './withdrawal-calls';
import type { WithdrawalTestApp } from './withdrawal-test-app';

export interface FirstTick {
  runner: PipelineRunner;
  /** The withdrawal as the backend reads it after the tick. */
  sent: Withdrawal;
  /** How many KMS signatures the tick made. */
  signatures: number;
}

/** A runner over `chains` ticked once; the spec then checks what it sent and signed. */
export async function firstTick(t: WithdrawalTestApp, chains: ChainPipelineOptions[], id: string): Promise<FirstTick> {
  const runner = t.runner(chains);
  const before = t.signer.signatures;
  await runner.tick();
  return { runner, sent: await getWithdrawal(t, id), signatures: t.signer.signatures - before };
}
