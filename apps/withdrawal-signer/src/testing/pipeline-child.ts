// Test fixture: the withdrawal pipeline alone in a child process (PostgreSQL only), signing
// through kms-local and broadcasting to the test's chain node, until it is killed.
import 'reflect-metadata';
import { PipelineRunner } from '@strongroom/withdrawals';
import { childPipelineDeps, runChild } from './child-pipeline';
import { RemoteScriptedChainAdapter } from './remote-chain';

async function main(): Promise<void> {
  const deps = await childPipelineDeps(new RemoteScriptedChainAdapter('bitcoin', process.env.CHAIN_NODE_URL as string));
  const runner = new PipelineRunner(deps, {
    chains: [
      { chain: 'bitcoin', batchMaxSize: 50, batchMaxAgeMs: 0, leaseMs: Number(process.env.LEASE_MS), confirmations: 2 },
    ],
    onError: (err) => console.error(String(err)),
  });
  console.log('pipeline child ready');
  for (;;) {
    await runner.tick();
    await new Promise((r) => setTimeout(r, 50));
  }
}

runChild(main);
