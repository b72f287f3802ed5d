import fc from 'fast-check';
import type { Database } from '@strongroom/persistence';
import type { LedgerService } from '../ledger.service';
import type { TransferInput, TransferResult } from '../ledger.types';

/**
 * A workload for the cut property: concurrent writers over a few small user balances, where a
 * move spends all its user has, so it depends on the credits other transactions committed a
 * moment before. Some
 * transactions take their transaction id early (as a caller that wrote something first does) and
 * linger before their ledger call, so their id order differs from their commit order; some write
 * two batches; some roll back.
 */
export type Job =
  | { t: 'deposit'; to: number; amount: number; inTx: boolean }
  | { t: 'move'; from: number; to: number; amount: number }
  | { t: 'hold'; from: number; amount: number }
  | { t: 'resolve'; post: boolean }
  | { t: 'pair'; amount: number }
  | { t: 'chain'; from: number; to: number; amount: number };

export interface TxShape {
  job: Job;
  early: boolean;
  lingerMs: number;
  rollback: boolean;
}

const user = fc.integer({ min: 0, max: 4 });
const amount = fc.integer({ min: 1, max: 4 });
const jobArb: fc.Arbitrary<Job> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('deposit' as const), to: user, amount, inTx: fc.boolean() }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('move' as const), from: user, to: user, amount }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('hold' as const), from: user, amount }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('resolve' as const), post: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('pair' as const), amount }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('chain' as const), from: user, to: user, amount }) },
);
export const txShapeArb: fc.Arbitrary<TxShape> = fc.record({
  job: jobArb,
  early: fc.boolean(),
  lingerMs: fc.integer({ min: 0, max: 6 }),
  rollback: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
});

export interface Accounts {
  custody: string;
  fee: string;
  /** Users 0-4, debited by moves, holds and chains. */
  users: string[];
  /** Two users only the two-batch transactions touch. */
  pair: [string, string];
}

/** What a writer observed of one transaction: when it began and ended, and the transfers it created. */
export interface Observed {
  startedAt: number;
  endedAt: number;
  ids: string[];
  committed: boolean;
}

/** A run's own accounts (a fresh client), none funded: balances come only from the run's writes. */
export async function openRunAccounts(ledger: LedgerService, clientId: string): Promise<Accounts> {
  const open = (ownerId: string, kind: 'user' | 'custody' | 'fee_revenue') =>
    ledger.openAccount({ clientId, ownerId, asset: 'BTC', kind }).then((a) => a.id);
  return {
    custody: await open('custody', 'custody'),
    fee: await open('fee', 'fee_revenue'),
    users: await Promise.all([0, 1, 2, 3, 4].map((i) => open(`u${i}`, 'user'))),
    pair: [await open('p0', 'user'), await open('p1', 'user')],
  };
}

class Rollback extends Error {}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the shapes on `writers` concurrent writers; returns what each transaction did. Long because
 * each shape's transaction (plain, linked, pending, rolled back) is written out where it runs.
 */
export async function runWriters(
  db: Database,
  ledger: LedgerService,
  acc: Accounts,
  shapes: readonly TxShape[],
  writers: number,
  prefix: string,
): Promise<Observed[]> {
  const holds: string[] = [];
  const observed: Observed[] = [];
  let next = 0;
  let n = 0;
  const id = () => `${prefix}-${++n}`;
  const batchesOf = (job: Job): TransferInput[][] => {
    const u = (i: number) => acc.users[i];
    switch (job.t) {
      case 'deposit':
        return [[{ id: id(), debitAccountId: acc.custody, creditAccountId: u(job.to), amount: BigInt(job.amount) }]];
      case 'move':
        // A balancing debit takes all the user has: it always spends the latest credits it saw.
        return [
          [
            {
              id: id(),
              debitAccountId: u(job.from),
              creditAccountId: u((job.to + 1 + job.from) % 5),
              amount: 1000n,
              flags: ['balancing_debit'],
            },
          ],
        ];
      case 'hold':
        return [
          [
            {
              id: id(),
              debitAccountId: u(job.from),
              creditAccountId: acc.fee,
              amount: BigInt(job.amount),
              flags: ['pending'],
            },
          ],
        ];
      case 'resolve': {
        const pendingId = holds.shift();
        return pendingId
          ? [
              [
                {
                  id: id(),
                  debitAccountId: '',
                  creditAccountId: '',
                  pendingId,
                  flags: [job.post ? 'post_pending' : 'void_pending'],
                },
              ],
            ]
          : [];
      }
      case 'pair':
        // Two batches in one transaction, the second spending what the first credited. Its
        // accounts are the pair's own: a second batch that needs rows another writer holds can
        // deadlock with it (its first batch holds rows out of the global order).
        return [
          [{ id: id(), debitAccountId: acc.custody, creditAccountId: acc.pair[0], amount: BigInt(job.amount) }],
          [{ id: id(), debitAccountId: acc.pair[0], creditAccountId: acc.pair[1], amount: BigInt(job.amount) }],
        ];
      case 'chain':
        return [
          [
            {
              id: id(),
              debitAccountId: u(job.from),
              creditAccountId: u((job.from + 1) % 5),
              amount: BigInt(job.amount),
              flags: ['linked'],
            },
            { id: id(), debitAccountId: u((job.from + 1) % 5), creditAccountId: acc.fee, amount: 1n },
          ],
        ];
    }
  };
  const created = (rs: TransferResult[]) => rs.flatMap((r) => (r.ok && !r.replayed ? [r.transfer] : []));
  const one = async (s: TxShape): Promise<void> => {
    const batches = batchesOf(s.job);
    if (batches.length === 0) return;
    const startedAt = performance.now();
    const ids: string[] = [];
    const newHolds: string[] = [];
    const note = (rs: TransferResult[]) => {
      for (const t of created(rs)) {
        ids.push(t.id);
        if (t.flags.includes('pending')) newHolds.push(t.id);
      }
    };
    if (s.job.t === 'deposit' && !s.job.inTx) {
      note(await ledger.createTransfers(batches[0]));
      observed.push({ startedAt, endedAt: performance.now(), ids, committed: true });
      return;
    }
    try {
      await db.transaction(async (tx) => {
        if (s.early) await tx.query('SELECT pg_current_xact_id()');
        if (s.lingerMs) await sleep(s.lingerMs);
        for (const b of batches) note(await ledger.createTransfers(b, tx));
        if (s.rollback) throw new Rollback();
      });
      holds.push(...newHolds);
      observed.push({ startedAt, endedAt: performance.now(), ids, committed: true });
    } catch (err) {
      if (!(err instanceof Rollback)) throw err;
      observed.push({ startedAt, endedAt: performance.now(), ids, committed: false });
    }
  };
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < shapes.length) await one(shapes[next++]);
    }),
  );
  return observed;
}
