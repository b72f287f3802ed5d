// Test fixture: the withdrawal pipeline alone in a child process (PostgreSQL only) with the real
// Bitcoin adapter on the test's bcoin node, signing through kms-local, until it is killed. With
// HANG_AT set to a fault point it prints `AT <point> <batchId>` there and waits to be SIGKILLed.
import 'reflect-metadata';
import { BitcoinAdapter } from '@strongroom/chains-bitcoin';
import type { WatchedAddress } from '@strongroom/chains-core';
import { PipelineRunner, type FaultPoint } from '@strongroom/withdrawals';
import { childPipelineDeps, runChild } from './child-pipeline';

async function main(): Promise<void> {
  const env = process.env as Record<string, string>;
  const adapter = new BitcoinAdapter({
    network: 'regtest',
    rpcUrl: env.BTC_RPC_URL,
    rpcUser: env.BTC_RPC_USER,
    rpcPassword: env.BTC_RPC_PASSWORD,
    feeRate: { default: 2, min: 1, max: 50 },
  });
  adapter.watch(JSON.parse(env.WATCH) as WatchedAddress[]);
  let scanned = Number(env.FROM_HEIGHT) - 1;
  const deps = await childPipelineDeps(adapter);
  const runner = new PipelineRunner(deps, {
    chains: [
      {
        chain: 'bitcoin',
        batchMaxSize: 50,
        batchMaxAgeMs: 0,
        leaseMs: Number(env.LEASE_MS),
        confirmations: Number(env.CONFIRMATIONS),
      },
    ],
    onError: (err) => console.error(String(err)),
    fault: async (point: FaultPoint, ctx) => {
      if (point !== env.HANG_AT) return;
      console.log(`AT ${point} ${ctx.batchId}`);
      await new Promise(() => undefined); // until SIGKILL
    },
  });
  console.log('btc pipeline child ready');
  for (;;) {
    const tip = (await adapter.tip()).height;
    for (; scanned < tip; scanned++) await adapter.block(scanned + 1);
    await runner.tick();
    await new Promise((r) => setTimeout(r, 50));
  }
}

runChild(main);
