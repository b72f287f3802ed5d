import { Client } from 'pg';
import type { Database } from '@strongroom/persistence';
import { auditChained } from './audit-metrics';
import { chainPending, chainRound, PENDING_SQL, type ChainTx } from './chain-round';

/**
 * Leadership of the chain across processes. It only saves duplicate work: correctness comes from
 * the head lock every round takes and the triggers that check each link.
 */
export interface ChainerSeat {
  /** Whether this process led at its last acquire. */
  readonly leading: boolean;
  /** Tries to lead (or keeps leading); true while this process leads. */
  acquire(): Promise<boolean>;
  /** One round while leading; how many entries it linked. */
  round(limit: number): Promise<number>;
  release(): Promise<void>;
}

const LOCK_CLASS = 0x5352_4155; // "SRAU": strongroom audit, the first key of the two-key advisory lock
const LOCK_KEY = 1;

/**
 * PostgreSQL: a session advisory lock on a connection of the chainer's own, outside the app's pool,
 * which also runs the rounds (so a saturated pool does not delay chaining). A process that does
 * not lead keeps its connection and tries the lock again on it. When the leader or its connection
 * dies, PostgreSQL releases the lock and another process takes over.
 */
export class AdvisoryChainerSeat implements ChainerSeat {
  private client?: Client;
  leading = false;

  constructor(private readonly url: string) {}

  async acquire(): Promise<boolean> {
    if (this.client && this.leading) return true;
    const c = this.client ?? (await this.connect());
    const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [
      LOCK_CLASS,
      LOCK_KEY,
    ]);
    this.leading = rows[0]?.ok === true;
    return this.leading;
  }

  async round(limit: number): Promise<number> {
    const c = this.client;
    if (!c || !this.leading) return 0;
    const q: ChainTx = { query: async (sql, params) => (await c.query(sql, params)).rows };
    const [probe] = await q.query<{ pending: boolean }>(PENDING_SQL);
    if (!probe.pending) return 0;
    await c.query('BEGIN');
    try {
      const n = await chainRound(q, limit);
      await c.query('COMMIT');
      auditChained.inc(n);
      return n;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /** Ends the session, which releases the lock. */
  async release(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.leading = false;
    await c?.end().catch(() => undefined);
  }

  private async connect(): Promise<Client> {
    const client = new Client({ connectionString: this.url, application_name: 'strongroom-audit-chainer' });
    // A dropped connection ends leadership; the next acquire starts over on a new one.
    client.on('error', () => {
      if (this.client === client) {
        this.client = undefined;
        this.leading = false;
      }
    });
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
    return client;
  }
}

const inProcessLeaders = new WeakMap<Database, InProcessChainerSeat>();

/**
 * PGlite: the database belongs to this process alone (its data-directory lock), so leadership is
 * decided in memory, one chainer per open database; rounds share the one session like any call.
 */
export class InProcessChainerSeat implements ChainerSeat {
  constructor(private readonly db: Database) {}

  get leading(): boolean {
    return inProcessLeaders.get(this.db) === this;
  }

  async acquire(): Promise<boolean> {
    const leader = inProcessLeaders.get(this.db);
    if (leader && leader !== this) return false;
    inProcessLeaders.set(this.db, this);
    return true;
  }

  round(limit: number): Promise<number> {
    return chainPending(this.db, limit);
  }

  async release(): Promise<void> {
    if (inProcessLeaders.get(this.db) === this) inProcessLeaders.delete(this.db);
  }
}
