import { AsyncResource } from 'node:async_hooks';

/**
 * Group commit for single transfers (TigerBeetle-style): while one database transaction is in
 * flight, newly submitted transfers queue up, and the next transaction takes them all (up to
 * `maxBatch`). An idle ledger sends a transfer at once; a busy one amortises the commit (and its
 * fsync) over everything that arrived meanwhile. Each caller gets its own result.
 */
export interface BatcherOptions {
  maxBatch: number;
  /** Transactions allowed in flight at once (1 on PGlite: one session). */
  maxInFlight: number;
}

interface Waiting<I, R> {
  item: I;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export class TransferBatcher<I, R> {
  private queue: Waiting<I, R>[] = [];
  private inFlight = 0;
  // Transactions run in the batcher's own async context, not in whichever caller happened to
  // trigger them: one caller's context (say, an open transaction) must not leak into a batch
  // that carries other callers' transfers.
  private readonly scope = new AsyncResource('TransferBatcher');

  constructor(
    private readonly run: (items: I[]) => Promise<R[]>,
    private readonly options: BatcherOptions,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  /** Items waiting for a transaction (for tests and metrics). */
  get waiting(): number {
    return this.queue.length;
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const group = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      this.scope
        .runInAsyncScope(() => this.execute(group))
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }

  private async execute(group: Waiting<I, R>[]): Promise<void> {
    try {
      const results = await this.run(group.map((w) => w.item));
      group.forEach((w, i) => w.resolve(results[i]));
    } catch (err) {
      if (group.length === 1) {
        group[0].reject(err);
        return;
      }
      // A failure of the whole transaction (not a refusal, which is a result) must not take
      // unrelated transfers down with it: run each alone so only the faulty one fails.
      for (const w of group) {
        try {
          const [r] = await this.run([w.item]);
          w.resolve(r);
        } catch (e) {
          w.reject(e);
        }
      }
    }
  }
}
