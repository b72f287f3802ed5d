import type { Database } from '@strongroom/persistence';
import { ledgerSequencerRounds } from './ledger.metrics';

/** Where a stamped batch starts in the sequence. */
export interface Stamp {
  firstSequence: bigint;
}

/**
 * The sequence as of a time ($1): the end of the longest prefix of the sequence in which every
 * transfer was written at or before it (written_upto is the running maximum, so one probe).
 */
export const SEQUENCE_AT = `SELECT (first_sequence + size - 1)::text AS sequence FROM ledger.batches
  WHERE first_sequence IS NOT NULL AND written_upto <= $1 ORDER BY written_upto DESC, first_sequence DESC LIMIT 1`;

/** Transactions (not batches) one round stamps at most; a backlog takes several rounds. */
export const ROUND_LIMIT = 5000;
/** A round: ($1) how many transactions at most, ($2) the tickets whose stamps to return. */
export const STAMP_SQL =
  'SELECT ticket::text AS ticket, first_sequence::text AS first_sequence FROM ledger.stamp($1, $2::bigint[])';
/** Rounds a waiter joins before an unstamped batch is reported as lost (not visible, never committed). */
const MAX_ROUNDS = 50;

interface Round {
  tickets: Set<string>;
  promise: Promise<Map<string, Stamp>>;
  start: () => void;
}

/**
 * Stamps the commit-order sequence onto committed batches, after their writers commit, so no
 * writer holds a lock every other writer needs. One per database per process (`of`); across
 * processes, the sequencer row's lock inside `ledger.stamp` lets one round run at a time, so any
 * process may stamp and none must be elected. A round is one statement in its own transaction: a
 * stamper that dies mid-round stamps nothing, and the next round continues from the sequencer's
 * last, without a gap.
 *
 * Rounds coalesce: whoever asks while a round runs joins the next one, which starts when the
 * running one ends (its snapshot is then taken after the asker's commit). PGlite has one session,
 * so there a round simply runs after the write that asked for it: the same statement either way.
 */
export class LedgerSequencer {
  private static readonly perDatabase = new WeakMap<Database, LedgerSequencer>();
  private running: Round | null = null;
  private queued: Round | null = null;
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly db: Database) {}

  static of(db: Database): LedgerSequencer {
    let s = LedgerSequencer.perDatabase.get(db);
    if (!s) LedgerSequencer.perDatabase.set(db, (s = new LedgerSequencer(db)));
    return s;
  }

  /** Stamps of these (committed) batches, joining rounds until every one is stamped. */
  async stamps(tickets: readonly bigint[]): Promise<Map<bigint, Stamp>> {
    const out = new Map<bigint, Stamp>();
    let missing = [...new Set(tickets.map(String))];
    for (let round = 0; ; round++) {
      const got = await this.join(missing);
      for (const t of missing) {
        const s = got.get(t);
        if (s) out.set(BigInt(t), s);
      }
      missing = missing.filter((t) => !got.has(t));
      if (missing.length === 0) return out;
      if (round >= MAX_ROUNDS)
        throw new Error(`ledger sequencer: batch ${missing[0]} is still unstamped after ${MAX_ROUNDS} rounds`);
    }
  }

  /** One round that starts after this call: everything committed before it gets stamped. */
  async settle(): Promise<void> {
    await this.join([]);
  }

  /** Keeps stamping in the background (batches written inside callers' transactions). */
  start(everyMs: number, onError: (err: unknown) => void): void {
    if (this.timer || everyMs <= 0) return;
    this.timer = setInterval(() => {
      if (!this.running) this.settle().catch(onError);
    }, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled([this.running?.promise, this.queued?.promise]);
  }

  private join(tickets: readonly string[]): Promise<Map<string, Stamp>> {
    if (!this.running) {
      const r = this.newRound();
      for (const t of tickets) r.tickets.add(t);
      this.running = r;
      r.start();
      return r.promise;
    }
    const next = (this.queued ??= this.newRound());
    for (const t of tickets) next.tickets.add(t);
    return next.promise;
  }

  private newRound(): Round {
    let start!: () => void;
    const tickets = new Set<string>();
    const promise = new Promise<Map<string, Stamp>>((resolve, reject) => {
      start = () => {
        this.stampRound([...tickets])
          .then(resolve, reject)
          .finally(() => {
            this.running = this.queued;
            this.queued = null;
            this.running?.start();
          });
      };
    });
    return { tickets, promise, start };
  }

  private async stampRound(wanted: string[]): Promise<Map<string, Stamp>> {
    const rows = await this.db.query<{ ticket: string; first_sequence: string }>(STAMP_SQL, [ROUND_LIMIT, wanted]);
    ledgerSequencerRounds.inc();
    return new Map(rows.map((r) => [r.ticket, { firstSequence: BigInt(r.first_sequence) }]));
  }
}
