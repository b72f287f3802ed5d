import { randomUUID } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import type { Database } from '@strongroom/persistence';
import type { ChainId } from '@strongroom/shared-types';

/**
 * Leadership of one chain's follower across replicas. It only saves duplicate work: correctness
 * comes from the compare-and-set on the cursor inside every follower transaction.
 */
export interface FollowerLock {
  /** Tries to become (or stay) the leader; true while this process leads. */
  acquire(): Promise<boolean>;
  release(): Promise<void>;
}

const LOCK_CLASS = 0x5352_4450; // "SRDP": strongroom deposits, the first key of the two-key advisory lock
const CHAIN_KEY: Record<ChainId, number> = { bitcoin: 1, ethereum: 2 };

/**
 * PostgreSQL: a session-level advisory lock held on a dedicated connection for as long as this
 * process leads. If that connection dies, PostgreSQL releases the lock and another replica takes
 * over; `acquire` notices because the session no longer answers.
 */
export class AdvisoryFollowerLock implements FollowerLock {
  private runner?: QueryRunner;

  constructor(
    private readonly db: Database,
    private readonly chain: ChainId,
  ) {
    if (db.backend !== 'postgres')
      throw new Error('advisory locks need PostgreSQL; use TableLeaseFollowerLock on PGlite');
  }

  async acquire(): Promise<boolean> {
    if (this.runner) {
      try {
        await this.runner.query('SELECT 1');
        return true;
      } catch {
        await this.drop();
      }
    }
    const runner = this.db.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [row] = (await runner.query('SELECT pg_try_advisory_lock($1, $2) AS ok', [
        LOCK_CLASS,
        CHAIN_KEY[this.chain],
      ])) as { ok: boolean }[];
      if (row?.ok === true) {
        this.runner = runner;
        return true;
      }
    } catch {
      /* fall through: not leader this time */
    }
    await runner.release();
    return false;
  }

  async release(): Promise<void> {
    if (!this.runner) return;
    await this.runner
      .query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, CHAIN_KEY[this.chain]])
      .catch(() => undefined);
    await this.drop();
  }

  private async drop(): Promise<void> {
    const r = this.runner;
    this.runner = undefined;
    await r?.release().catch(() => undefined);
  }
}

/** This process, as a lease holder sees it: a lease of another process is one it can judge. */
const THIS_PROCESS = `${process.pid}:${randomUUID()}`;

/**
 * PGlite: one in-process session, so one process is the only replica and a held connection would
 * block every other query. A renewable lease row stands in for the advisory lock (it also keeps
 * two processes opening the same data directory in turn from both following).
 *
 * `takeOver`: this process holds the database exclusively (the PGlite data-directory lock, or
 * memory), so a lease held by another process was left by one that is dead (SIGKILL, OOM) and is
 * taken at once instead of after its TTL. Leases of other holders in this process are respected.
 */
export class TableLeaseFollowerLock implements FollowerLock {
  readonly holder = `lease_${randomUUID()}`;

  constructor(
    private readonly db: Database,
    private readonly chain: ChainId,
    private readonly ttlMs = 30_000,
    private readonly clock: () => Date = () => new Date(),
    private readonly takeOver = false,
  ) {}

  async acquire(): Promise<boolean> {
    const now = this.clock();
    const rows = await this.db.query<{ holder: string }>(
      `INSERT INTO deposits.leases (chain, holder, expires_at, process) VALUES ($1, $2, $3, $5)
       ON CONFLICT (chain) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at, process = EXCLUDED.process
        WHERE deposits.leases.holder = EXCLUDED.holder OR deposits.leases.expires_at < $4
           OR ($6 AND deposits.leases.process IS DISTINCT FROM EXCLUDED.process)
       RETURNING holder`,
      [this.chain, this.holder, new Date(now.getTime() + this.ttlMs), now, THIS_PROCESS, this.takeOver],
    );
    return rows[0]?.holder === this.holder;
  }

  async release(): Promise<void> {
    await this.db.query('DELETE FROM deposits.leases WHERE chain = $1 AND holder = $2', [this.chain, this.holder]);
  }
}

/** The follower lock for this database: advisory on PostgreSQL, a lease on PGlite (taken over at once when this process holds the data directory). */
export function followerLockFor(db: Database, chain: ChainId, options: { leaseTtlMs?: number } = {}): FollowerLock {
  return db.backend === 'postgres'
    ? new AdvisoryFollowerLock(db, chain)
    : new TableLeaseFollowerLock(db, chain, options.leaseTtlMs, undefined, db.exclusive);
}
