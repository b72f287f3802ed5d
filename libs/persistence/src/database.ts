import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { PGlite } from '@electric-sql/pglite';

export type Isolation = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';
export type Backend = 'postgres' | 'pglite';

/** A transaction handle: raw SQL for hot paths, the TypeORM manager for the rest. */
export interface Tx {
  readonly manager: EntityManager;
  /** Rows of a statement. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Rows and affected-row count of a statement. */
  execute<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[]; rowCount: number }>;
}

const activeTx = new AsyncLocalStorage<Tx>();

/**
 * The one way the code talks to the database. On PGlite every call holds the single session
 * exclusively (see PGlitePool); asking for a second one from inside a transaction would wait for
 * itself forever, so that is refused with a clear error instead.
 */
export class Database {
  /**
   * True when no other process can be using this database: PGlite in memory, or on a data
   * directory whose lock this process holds. Anything another process left behind in it (a
   * follower lease, say) was left by a process that is gone.
   */
  readonly exclusive: boolean;
  private readonly onClose?: () => void;

  constructor(
    readonly dataSource: DataSource,
    readonly backend: Backend,
    /** The PGlite instance behind an embedded database (for data-directory dumps). */
    readonly pglite?: PGlite,
    options: { exclusive?: boolean; onClose?: () => void } = {},
  ) {
    this.exclusive = options.exclusive ?? false;
    this.onClose = options.onClose;
  }

  /** Runs `fn` in one database transaction; commits if it resolves, rolls back if it throws. */
  async transaction<T>(fn: (tx: Tx) => Promise<T>, isolation: Isolation = 'READ COMMITTED'): Promise<T> {
    this.refuseNesting();
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction(isolation);
      const tx = txOf(runner);
      const result = await activeTx.run(tx, () => fn(tx));
      await runner.commitTransaction();
      return result;
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  /** One statement in its own (autocommit) transaction. */
  async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    this.refuseNesting();
    const runner = this.dataSource.createQueryRunner();
    try {
      return (await txOf(runner).query<T>(sql, params)) as T[];
    } finally {
      await runner.release();
    }
  }

  async close(): Promise<void> {
    try {
      if (this.dataSource.isInitialized) await this.dataSource.destroy();
    } finally {
      this.onClose?.();
    }
  }

  private refuseNesting(): void {
    if (activeTx.getStore()) {
      throw new Error(
        'A database call was made from inside a transaction without using its Tx handle; ' +
          'that would need a second session (and deadlocks on PGlite). Pass the Tx down instead.',
      );
    }
  }
}

function txOf(runner: QueryRunner): Tx {
  return {
    manager: runner.manager,
    async query<T>(sql: string, params?: unknown[]) {
      const r = await runner.query(sql, params, true);
      return (r.records ?? []) as T[];
    },
    async execute<T>(sql: string, params?: unknown[]) {
      const r = await runner.query(sql, params, true);
      return { rows: (r.records ?? []) as T[], rowCount: r.affected ?? 0 };
    },
  };
}

/** True if a PostgreSQL error is a serialization failure or deadlock worth retrying. */
export function isRetryableTxError(err: unknown): boolean {
  const code =
    (err as { driverError?: { code?: string }; code?: string })?.driverError?.code ?? (err as { code?: string })?.code;
  return code === '40001' || code === '40P01';
}

/** The PostgreSQL error code (SQLSTATE) behind a TypeORM QueryFailedError, if any. */
export function sqlState(err: unknown): string | undefined {
  return (
    (err as { driverError?: { code?: string }; code?: string })?.driverError?.code ?? (err as { code?: string })?.code
  );
}
