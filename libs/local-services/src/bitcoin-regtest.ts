import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { startRegtestNode, type BitcoinRegtest, type BitcoinRegtestOptions } from './bitcoin/regtest-node';

export type { BitcoinRegtest, BitcoinRegtestOptions, RegtestUtxo, ReorgResult } from './bitcoin/regtest-node';

/**
 * Starts an in-process bcoin@1.0.2 regtest full node that looks like bitcoind: Core JSON-RPC on a
 * loopback port, Core's address prefixes, standardness on, segwit active, a sendrawtransaction that
 * reports rejections, a faucet, and real reorgs (see bitcoin/regtest-node.ts). Under Jest it runs
 * in a worker thread by default (same API, `node` unset); elsewhere (`npm start`) in this thread.
 */
export async function startBitcoinRegtest(options: BitcoinRegtestOptions = {}): Promise<BitcoinRegtest> {
  const inProcess = options.inProcess ?? process.env.JEST_WORKER_ID === undefined;
  if (inProcess) return startRegtestNode(options);
  return startInWorker(options);
}

async function startInWorker(options: BitcoinRegtestOptions): Promise<BitcoinRegtest> {
  const root = path.resolve(__dirname, '..', '..', '..');
  const entry = path.join(__dirname, 'bitcoin', 'regtest-worker.ts');
  const worker = new Worker(`require('@swc-node/register'); require(${JSON.stringify(entry)});`, {
    eval: true,
    workerData: options,
    env: { ...process.env, NODE_BACKEND: 'js', SWC_NODE_PROJECT: path.join(root, 'tsconfig.json') },
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  let height = 0;
  worker.on(
    'message',
    (msg: { id: number; result?: unknown; error?: { message: string; code?: number }; height?: number }) => {
      if (msg.height !== undefined) height = msg.height;
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.error) p.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
      else p.resolve(msg.result);
    },
  );
  worker.on('error', (err) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  });
  const ready = new Promise<{
    rpcUrl: string;
    rpcUser: string;
    rpcPassword: string;
    faucetAddress: string;
    height: number;
  }>((resolve, reject) => pending.set(0, { resolve: resolve as (v: unknown) => void, reject }));
  const info = await ready;
  height = info.height;
  const call = <T>(op: string, ...args: unknown[]): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, op, args });
    });
  const auth = `Basic ${Buffer.from(`${info.rpcUser}:${info.rpcPassword}`).toString('base64')}`;
  return {
    rpcUrl: info.rpcUrl,
    rpcUser: info.rpcUser,
    rpcPassword: info.rpcPassword,
    network: 'regtest',
    faucetAddress: info.faucetAddress,
    rpc: async <T>(method: string, params: unknown[] = []): Promise<T> => {
      const res = await fetch(info.rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify({ jsonrpc: '1.0', id: method, method, params }),
      });
      const body = (await res.json()) as { result: T; error: { code: number; message: string } | null };
      if (body.error) throw Object.assign(new Error(`${method}: ${body.error.message}`), { code: body.error.code });
      return body.result;
    },
    height: () => height,
    mine: (n, address) => call('mine', n, address),
    fund: (address, sats) => call('fund', address, sats),
    send: (outputs) => call('send', outputs),
    rawBlock: (h) => call('rawBlock', h),
    rawTransaction: (txid) => call('rawTransaction', txid),
    unspent: (addresses) => call('unspent', addresses),
    reorg: (depth, opts) => call('reorg', depth, opts),
    stop: async () => {
      await call('stop');
      await worker.terminate();
    },
  };
}
