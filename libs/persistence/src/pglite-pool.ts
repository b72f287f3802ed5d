import { EventEmitter } from 'node:events';
import { PGlite, types, type PGliteOptions } from '@electric-sql/pglite';

/**
 * A `pg.Pool` look-alike for TypeORM over one PGlite instance.
 *
 * PGlite is a single PostgreSQL session: two TypeORM query runners sharing it would interleave
 * their transactions (FOR UPDATE would not block; a rolled-back transaction could keep another's
 * writes). So the pool hands out the session as an exclusive lease: `connect()` waits until the
 * previous holder releases it. Every transaction is therefore really isolated, at the price of
 * running one at a time — which is all a single WASM backend can do anyway.
 */
type QueryCallback = (err: Error | null, result?: PgResult) => void;
interface PgResult {
  rows: unknown[];
  rowCount: number;
  command: string;
  fields: { name: string; dataTypeID: number }[];
}

class PGliteClient extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  query(sql: string, paramsOrCb?: unknown[] | QueryCallback, maybeCb?: QueryCallback): Promise<PgResult> {
    const params = typeof paramsOrCb === 'function' ? undefined : paramsOrCb;
    const cb = typeof paramsOrCb === 'function' ? paramsOrCb : maybeCb;
    const run = async (): Promise<PgResult> => {
      const command = sql.trimStart().split(/\s+/, 1)[0]?.toUpperCase() ?? '';
      // Parameterised queries use the extended protocol (one statement); plain SQL may hold
      // several statements (migrations), and TypeORM expects the last one's result.
      const results = params && params.length > 0 ? [await this.db.query(sql, params)] : await this.db.exec(sql);
      const last = results[results.length - 1] ?? { rows: [], fields: [], affectedRows: 0 };
      return {
        rows: last.rows,
        rowCount: last.affectedRows ?? last.rows.length,
        command,
        fields: last.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
      };
    };
    const p = run();
    if (cb)
      p.then(
        (r) => cb(null, r),
        (e: Error) => cb(e),
      );
    return p;
  }

  release(): void {
    /* leases are released through the pool's release callback */
  }
}

export class PGlitePool extends EventEmitter {
  private readonly client: PGliteClient;
  private tail: Promise<void> = Promise.resolve();

  constructor(readonly db: PGlite) {
    super();
    this.client = new PGliteClient(db);
  }

  connect(
    cb?: (err: Error | null, client?: PGliteClient, release?: (err?: Error) => void) => void,
  ): Promise<PGliteClient> {
    let releaseLease!: () => void;
    const previous = this.tail;
    this.tail = new Promise<void>((resolve) => (releaseLease = resolve));
    const acquired = previous.then(async () => {
      // A holder that died mid-transaction must not leave its transaction open for the next one.
      if (this.db.closed) throw new Error('PGlite is closed');
      return this.client;
    });
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      const inTx = !this.db.closed && this.db.isInTransaction();
      if (inTx) {
        void this.db.exec('ROLLBACK').finally(releaseLease);
      } else {
        releaseLease();
      }
    };
    acquired.then(
      (client) => {
        cb?.(null, client, release);
      },
      (err: Error) => {
        release();
        cb?.(err);
      },
    );
    return acquired;
  }

  /** pg's one-shot query: lease the session, run, release. */
  async query(sql: string, params?: unknown[]): Promise<PgResult> {
    return new Promise<PgResult>((resolve, reject) => {
      this.connect((err, client, release) => {
        if (err || !client || !release) return reject(err ?? new Error('PGlite lease failed'));
        client
          .query(sql, params)
          .then(resolve, reject)
          .finally(() => release());
      });
    });
  }

  end(cb?: (err?: Error | null) => void): Promise<void> {
    const p = this.tail.then(() => this.db.close());
    p.then(
      () => cb?.(null),
      (e: Error) => cb?.(e),
    );
    return p;
  }
}

/** Creates a PGlite instance whose int8 values come back as strings, as with node-postgres. */
export async function openPGlite(dataDir: string | undefined, options: PGliteOptions = {}): Promise<PGlite> {
  return PGlite.create({
    ...options,
    dataDir,
    parsers: { [types.INT8]: (v: string) => v, ...(options.parsers ?? {}) },
    serializers: {
      [types.BOOL]: (v: unknown) =>
        v === true || v === 'true' ? 'true' : v === false || v === 'false' ? 'false' : String(v),
      ...(options.serializers ?? {}),
    },
  });
}

/** The driver object TypeORM expects in `DataSourceOptions.driver`. */
export function pgliteDriver(db: PGlite): { Pool: new () => PGlitePool } {
  return {
    Pool: class extends PGlitePool {
      constructor() {
        super(db);
      }
    },
  };
}
