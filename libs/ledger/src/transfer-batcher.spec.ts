import { AsyncLocalStorage } from 'node:async_hooks';
import { TransferBatcher } from './transfer-batcher';

/** A run function whose calls the test resolves by hand (no timers, no sleeps). */
function controlled() {
  const calls: { items: number[]; resolve: (r: string[]) => void; reject: (e: Error) => void }[] = [];
  const run = (items: number[]) => new Promise<string[]>((resolve, reject) => calls.push({ items, resolve, reject }));
  return { calls, run };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('TransferBatcher (group commit)', () => {
  it('sends an idle submission at once and coalesces what arrives while a transaction is in flight', async () => {
    const { calls, run } = controlled();
    const b = new TransferBatcher<number, string>(run, { maxBatch: 3, maxInFlight: 1 });
    const first = b.submit(1);
    const rest = [2, 3, 4, 5].map((i) => b.submit(i));
    expect(calls.map((c) => c.items)).toEqual([[1]]);
    calls[0].resolve(['r1']);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3, 4]]);
    calls[1].resolve(['r2', 'r3', 'r4']);
    await tick();
    expect(calls[2].items).toEqual([5]);
    calls[2].resolve(['r5']);
    expect(await Promise.all([first, ...rest])).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it('isolates a transaction failure: each item is retried alone and only the faulty one fails', async () => {
    const seen: number[][] = [];
    const b = new TransferBatcher<number, string>(
      async (items) => {
        seen.push(items);
        if (items.includes(13)) throw new Error('poison');
        return items.map((i) => `ok${i}`);
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    const blocker = b.submit(0);
    const ps = [12, 13, 14].map((i) =>
      b.submit(i).then(
        (r) => r,
        (e: Error) => e.message,
      ),
    );
    expect(await blocker).toBe('ok0');
    expect(await Promise.all(ps)).toEqual(['ok12', 'poison', 'ok14']);
    expect(seen).toEqual([[0], [12, 13, 14], [12], [13], [14]]);
  });

  it('runs batches in its own async context, not in the context of the caller that triggered them', async () => {
    const als = new AsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    const b = new TransferBatcher<number, string>(
      async (items) => {
        seen.push(als.getStore());
        return items.map(String);
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    await als.run('caller-transaction', () => Promise.all([b.submit(1), b.submit(2)]));
    expect(seen).toEqual([undefined, undefined]);
  });
});
