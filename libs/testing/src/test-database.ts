import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type ContextDescriptor, type Database, type EntityList } from '@strongroom/persistence';

export type BackendName = 'pglite' | 'postgres';

/** The back ends integration tests run on: PGlite always, PostgreSQL when DATABASE_URL is set. */
export function testBackends(): BackendName[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** What a test database holds: the contexts it needs (their dependencies come with them). */
export interface TestSchema {
  contexts: readonly ContextDescriptor[];
  entities?: EntityList;
}

export interface TestDatabase {
  db: Database;
  backend: BackendName;
  /** For PostgreSQL, the URL of the fresh database (to open more connections or processes). */
  url?: string;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database on the given back end: an in-memory PGlite, or a new PostgreSQL
 * database created on the DATABASE_URL server and dropped on close.
 */
export async function openTestDatabase(backend: BackendName, schema: TestSchema): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const db = await openDatabase({ memory: true, ...schema });
    return { db, backend, close: () => db.close() };
  }
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set');
  const name = `sr_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(base, `CREATE DATABASE ${name}`);
  const url = withDatabase(base, name);
  const db = await openDatabase({ databaseUrl: url, poolSize: 30, ...schema });
  return {
    db,
    backend,
    url,
    async close() {
      await db.close();
      await adminQuery(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** `describe` once per back end, each with its own fresh database. */
export function describeEachBackend(title: string, schema: TestSchema, body: (ctx: () => TestDatabase) => void): void {
  for (const backend of testBackends()) {
    describe(`${title} [${backend}]`, () => {
      let current: TestDatabase | undefined;
      beforeAll(async () => {
        current = await openTestDatabase(backend, schema);
      });
      afterAll(async () => {
        await current?.close();
      });
      body(() => {
        if (!current) throw new Error('test database not open yet');
        return current;
      });
    });
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
