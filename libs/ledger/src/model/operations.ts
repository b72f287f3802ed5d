import fc from 'fast-check';
import type { TransferInput } from '../ledger.types';

/**
 * Random operation sequences over a small fixed set of accounts: three BTC users, a BTC custody
 * wallet, a BTC fee account and an ETH user (for asset mismatches). Holds are referred to by
 * index so later posts/voids hit earlier holds (or missing ones).
 */
export type Op =
  | { t: 'deposit'; user: number; amount: number }
  | { t: 'move'; from: number; to: number; amount: number }
  | { t: 'hold'; from: number; to: number; amount: number; timeout: boolean }
  | { t: 'post'; hold: number; amount: number | null }
  | { t: 'void'; hold: number }
  | { t: 'chain'; from: number; to: number; amount: number; fee: number }
  | { t: 'retry'; ref: number }
  | { t: 'conflict'; ref: number }
  | { t: 'zero'; from: number }
  | { t: 'sweep' }
  | { t: 'batch'; size: number };

const user = fc.integer({ min: 0, max: 2 });
// Destinations: users 0-2, 3 = fee account, 4 = ETH user.
const dest = fc.integer({ min: 0, max: 4 });
const amount = fc.integer({ min: 1, max: 120 });

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('deposit' as const), user, amount }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('move' as const), from: user, to: dest, amount }) },
  {
    weight: 4,
    arbitrary: fc.record({ t: fc.constant('hold' as const), from: user, to: dest, amount, timeout: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('post' as const),
      hold: fc.nat(8),
      amount: fc.option(amount, { nil: null }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('void' as const), hold: fc.nat(8) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('chain' as const),
      from: user,
      to: dest,
      amount,
      fee: fc.integer({ min: 1, max: 20 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('retry' as const), ref: fc.nat(30) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('conflict' as const), ref: fc.nat(30) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('zero' as const), from: user }) },
  { weight: 1, arbitrary: fc.constant({ t: 'sweep' as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('batch' as const), size: fc.integer({ min: 2, max: 6 }) }) },
);

export const opsArb = fc.array(opArb, { minLength: 1, maxLength: 30 });

export interface Accounts {
  users: string[];
  custody: string;
  fee: string;
  ethUser: string;
}

/** A step to run: a batch of transfers, or a sweep of timed-out pendings. */
export type Step = { kind: 'batch'; transfers: TransferInput[] } | { kind: 'sweep' };

// Long because it is one switch over the model's operations sharing the id counter, the open holds
// and the batch being filled; each case is a few lines and reads best next to the others.
/** Turns operations into concrete batches (deterministically), with ids under `prefix`. */
export function toSteps(ops: Op[], acc: Accounts, prefix: string): Step[] {
  const steps: Step[] = [];
  const holds: string[] = [];
  const sent: TransferInput[] = [];
  let n = 0;
  const id = () => `${prefix}-${++n}`;
  const to = (i: number) => (i < 3 ? acc.users[i] : i === 3 ? acc.fee : acc.ethUser);
  let pendingBatch: TransferInput[] | null = null;
  let batchLeft = 0;
  const emit = (transfers: TransferInput[]) => {
    sent.push(...transfers);
    if (pendingBatch) {
      pendingBatch.push(...transfers);
      if (--batchLeft <= 0) {
        steps.push({ kind: 'batch', transfers: pendingBatch });
        pendingBatch = null;
      }
    } else {
      steps.push({ kind: 'batch', transfers });
    }
  };
  for (const op of ops) {
    switch (op.t) {
      case 'deposit':
        emit([
          {
            id: id(),
            debitAccountId: acc.custody,
            creditAccountId: acc.users[op.user],
            amount: BigInt(op.amount),
            code: 'deposit',
          },
        ]);
        break;
      case 'move':
        emit([{ id: id(), debitAccountId: acc.users[op.from], creditAccountId: to(op.to), amount: BigInt(op.amount) }]);
        break;
      case 'hold': {
        const h = id();
        holds.push(h);
        emit([
          {
            id: h,
            debitAccountId: acc.users[op.from],
            creditAccountId: to(op.to),
            amount: BigInt(op.amount),
            flags: ['pending'],
            timeoutSeconds: op.timeout ? 3600 : 0,
          },
        ]);
        break;
      }
      case 'post':
        emit([
          {
            id: id(),
            debitAccountId: '',
            creditAccountId: '',
            flags: ['post_pending'],
            pendingId: holds[op.hold] ?? `${prefix}-missing`,
            amount: op.amount === null ? undefined : BigInt(op.amount),
          },
        ]);
        break;
      case 'void':
        emit([
          {
            id: id(),
            debitAccountId: '',
            creditAccountId: '',
            flags: ['void_pending'],
            pendingId: holds[op.hold] ?? `${prefix}-missing`,
          },
        ]);
        break;
      case 'chain':
        emit([
          {
            id: id(),
            debitAccountId: acc.users[op.from],
            creditAccountId: to(op.to),
            amount: BigInt(op.amount),
            flags: ['linked'],
          },
          { id: id(), debitAccountId: acc.users[op.from], creditAccountId: acc.fee, amount: BigInt(op.fee) },
        ]);
        break;
      case 'retry':
        if (sent.length > 0) emit([{ ...sent[op.ref % sent.length] }]);
        break;
      case 'conflict':
        if (sent.length > 0) {
          const t = sent[op.ref % sent.length];
          emit([{ ...t, amount: (t.amount ?? 1n) + 1n }]);
        }
        break;
      case 'zero':
        emit([{ id: id(), debitAccountId: acc.users[op.from], creditAccountId: acc.fee, amount: 0n }]);
        break;
      case 'sweep':
        if (pendingBatch) {
          steps.push({ kind: 'batch', transfers: pendingBatch });
          pendingBatch = null;
        }
        steps.push({ kind: 'sweep' });
        break;
      case 'batch':
        if (!pendingBatch) {
          pendingBatch = [];
          batchLeft = op.size;
        }
        break;
    }
  }
  if (pendingBatch && (pendingBatch as TransferInput[]).length > 0)
    steps.push({ kind: 'batch', transfers: pendingBatch });
  return steps;
}
