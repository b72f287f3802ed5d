import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DataSource, type MixedList } from 'typeorm';
import type { PGlite } from '@electric-sql/pglite';
import { composeContexts } from './compose-contexts';
import type { ContextDescriptor } from './context-descriptor';
import { lockDataDir } from './data-dir-lock';
import { Database } from './database';
import { openPGlite, pgliteDriver } from './pglite-pool';

export type EntityList = MixedList<string | (new () => object)>;

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent, embedded PGlite is used. */
  databaseUrl?: string;
  /** PGlite data directory; `undefined` with `memory: true` keeps it in memory (tests). */
  dataDir?: string;
  memory?: boolean;
  /** A tarball of a pre-migrated PGlite data directory to start from (tests). */
  loadDataDir?: Blob;
  entities?: EntityList;
  /**
   * The contexts whose schemas this process uses, with their dependencies (composeContexts): their
   * migrations are what `migrate` applies. Nothing else lists migrations.
   */
  contexts?: readonly ContextDescriptor[];
  /** Run pending migrations on open (the apps do; `npm run migrate` does it explicitly). */
  migrate?: boolean;
  poolSize?: number;
  applicationName?: string;
}

/** The embedded data directory: `STRONGROOM_DATA_DIR`, else `./data`. */
export function defaultDataDir(): string {
  return path.resolve(process.env.STRONGROOM_DATA_DIR ?? 'data');
}

/** Opens the system of record: PostgreSQL from `databaseUrl`, else PGlite. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const common = {
    type: 'postgres' as const,
    entities: options.entities ?? [],
    migrations: [...composeContexts(options.contexts ?? []).migrations],
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
  };
  let dataSource: DataSource;
  let pglite: PGlite | undefined;
  let release: (() => void) | undefined;
  if (options.databaseUrl) {
    dataSource = new DataSource({
      ...common,
      url: options.databaseUrl,
      poolSize: options.poolSize ?? 20,
      applicationName: options.applicationName ?? 'strongroom',
    });
  } else {
    let dataDir: string | undefined;
    if (!options.memory) {
      const root = options.dataDir ?? defaultDataDir();
      // The lock the service takes: a CLI or second app on a directory in use is refused here.
      release = lockDataDir(root);
      dataDir = path.join(root, 'pglite');
      mkdirSync(dataDir, { recursive: true });
    }
    try {
      pglite = await openPGlite(dataDir, options.loadDataDir ? { loadDataDir: options.loadDataDir } : {});
    } catch (err) {
      release?.();
      throw err;
    }
    dataSource = new DataSource({ ...common, driver: pgliteDriver(pglite), poolSize: 1 });
  }
  try {
    await dataSource.initialize();
  } catch (err) {
    await pglite?.close().catch(() => undefined);
    release?.();
    throw err;
  }
  const db = new Database(dataSource, pglite ? 'pglite' : 'postgres', pglite, {
    exclusive: pglite !== undefined,
    onClose: release,
  });
  if (options.migrate !== false) {
    try {
      await runMigrations(db);
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err;
    }
  }
  return db;
}

/**
 * Applies pending migrations. On PostgreSQL an advisory lock keeps replicas that start
 * together from racing each other.
 */
export async function runMigrations(db: Database): Promise<string[]> {
  if (db.backend === 'postgres') {
    const runner = db.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock(7324501)');
      const done = await db.dataSource.runMigrations({ transaction: 'each' });
      return done.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock(7324501)').catch(() => undefined);
      await runner.release();
    }
  }
  const done = await db.dataSource.runMigrations({ transaction: 'each' });
  return done.map((m) => m.name);
}
