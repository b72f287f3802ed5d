import { Worker } from 'node:worker_threads';
import { treeKernels, type TreeLayout } from './tree-kernels';

export type KernelCall =
  | { op: 'nonces' | 'leaves'; lo: number; hi: number }
  | { op: 'nodes'; from: number; to: number; w: number; of: number };

/**
 * Worker threads running the tree kernels over one shared layout. The kernels travel as source
 * text (`treeKernels` is self-contained), so the workers need no TypeScript loader and run the
 * very code the main thread runs. One call at a time per worker.
 */
export class KernelPool {
  private readonly workers: Worker[];

  constructor(layout: TreeLayout, count: number) {
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const kernels = (${treeKernels.toString()})(require);
      parentPort.on('message', (m) => {
        try {
          let ok = true;
          if (m.op === 'nonces') kernels.nonces(workerData, m.lo, m.hi);
          else if (m.op === 'leaves') kernels.leaves(workerData, m.lo, m.hi);
          else ok = kernels.nodes(workerData, m.from, m.to, m.w, m.of);
          parentPort.postMessage({ ok });
        } catch (err) {
          parentPort.postMessage({ error: String((err && err.stack) || err) });
        }
      });`;
    this.workers = Array.from({ length: count }, () => new Worker(source, { eval: true, workerData: layout }));
  }

  run(index: number, call: KernelCall): Promise<boolean> {
    const worker = this.workers[index];
    return new Promise<boolean>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      const onExit = (code: number) => reject(new Error(`tree worker exited (code ${code}) before answering`));
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.once('message', (m: { ok?: boolean; error?: string }) => {
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (m.error !== undefined) reject(new Error(`tree worker: ${m.error}`));
        else resolve(m.ok === true);
      });
      worker.postMessage(call);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
