import type { Database } from '@strongroom/persistence';
import type { ChainId } from '@strongroom/shared-types';

/**
 * One sweeper step at a time per chain across every replica of the deployment: the balance reads,
 * the planning and the sweep's relayer transaction are done by whichever replica holds it, and the
 * others skip their sweep step. Correctness does not rest on it (one open sweep per wallet is a
 * unique index, the planner locks the wallet, signing takes a lease); it keeps N replicas from
 * reading every candidate's balance N times and racing to plan the same sweep.
 */
export interface SweepLock {
  /** Runs `step` if no other replica is in its sweep step for this chain; undefined if one is. */
  exclusive<T>(step: () => Promise<T>): Promise<T | undefined>;
}

const LOCK_CLASS = 0x5352_5357; // "SRSW": strongroom sweeps, the first key of the two-key advisory lock
const CHAIN_KEY: Record<ChainId, number> = { bitcoin: 1, ethereum: 2 };

/**
 * PostgreSQL: a session advisory lock on a connection of its own for the length of the step. A
 * replica that dies mid-step loses its connection, and PostgreSQL releases the lock with it.
 */
export class AdvisorySweepLock implements SweepLock {
  constructor(
    private readonly db: Database,
    private readonly chain: ChainId,
  ) {}

  async exclusive<T>(step: () => Promise<T>): Promise<T | undefined> {
    const runner = this.db.dataSource.createQueryRunner();
    await runner.connect();
    const key = [LOCK_CLASS, CHAIN_KEY[this.chain]];
    try {
      const [row] = (await runner.query('SELECT pg_try_advisory_lock($1, $2) AS ok', key)) as { ok: boolean }[];
      if (row?.ok !== true) return undefined;
      try {
        return await step();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1, $2)', key).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }
}

const inProcess = new WeakMap<Database, Set<ChainId>>();

/**
 * PGlite: the database belongs to this process alone (its data-directory lock), so the runners
 * that share it are all in this process and the lock is a set in memory per open database.
 */
export class InProcessSweepLock implements SweepLock {
  constructor(
    private readonly db: Database,
    private readonly chain: ChainId,
  ) {}

  async exclusive<T>(step: () => Promise<T>): Promise<T | undefined> {
    let held = inProcess.get(this.db);
    if (!held) inProcess.set(this.db, (held = new Set()));
    if (held.has(this.chain)) return undefined;
    held.add(this.chain);
    try {
      return await step();
    } finally {
      held.delete(this.chain);
    }
  }
}

/** The sweep lock for this database: advisory on PostgreSQL, in memory on PGlite. */
export function sweepLockFor(db: Database, chain: ChainId): SweepLock {
  return db.backend === 'postgres' ? new AdvisorySweepLock(db, chain) : new InProcessSweepLock(db, chain);
}
