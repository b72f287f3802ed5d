import { parentPort, workerData } from 'node:worker_threads';
import { startRegtestNode, type BitcoinRegtest, type BitcoinRegtestOptions } from './regtest-node';

/**
 * Runs the regtest node in a worker thread, outside Jest's VM context, and serves the harness
 * helpers over messages: `{id, op, args}` → `{id, result}` or `{id, error}`.
 */
type Op = 'mine' | 'fund' | 'send' | 'rawBlock' | 'rawTransaction' | 'unspent' | 'reorg' | 'stop';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('regtest-worker must run in a worker thread');
  let regtest: BitcoinRegtest;
  try {
    regtest = await startRegtestNode({ ...(workerData as BitcoinRegtestOptions), inProcess: true });
  } catch (err) {
    port.postMessage({ id: 0, error: { message: (err as Error).message } });
    return;
  }
  port.postMessage({
    id: 0,
    result: {
      rpcUrl: regtest.rpcUrl,
      rpcUser: regtest.rpcUser,
      rpcPassword: regtest.rpcPassword,
      faucetAddress: regtest.faucetAddress,
      height: regtest.height(),
    },
  });
  port.on('message', async (msg: { id: number; op: Op; args: unknown[] }) => {
    try {
      const fn = regtest[msg.op] as (...args: unknown[]) => Promise<unknown>;
      const result = await fn(...msg.args);
      port.postMessage({ id: msg.id, result, height: regtest.height() });
      if (msg.op === 'stop') port.close();
    } catch (err) {
      const e = err as Error & { code?: number };
      port.postMessage({ id: msg.id, error: { message: e.message, code: e.code }, height: regtest.height() });
    }
  });
}

main();
