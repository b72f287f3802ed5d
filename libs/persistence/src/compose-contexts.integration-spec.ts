import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { composeContexts } from './compose-contexts';
import type { ContextDescriptor } from './context-descriptor';
import { openDatabase } from './data-source.factory';
import type { Database } from './database';
import { fakeContext } from './testing/fake-contexts';

// The composed order is the order TypeORM really runs: interleaved timestamps across contexts.
const T = 1700000000000;
const early = fakeContext('ctx_early', [T + 1, T + 300]);
const middle = fakeContext('ctx_middle', [T + 2, T + 200], [early]);
const late = fakeContext('ctx_late', [T + 100], [middle]);

// libs/testing builds on this library, so the fresh PostgreSQL database is made here.
async function open(backend: string, contexts: ContextDescriptor[]): Promise<{ db: Database; close(): Promise<void> }> {
  if (backend === 'pglite') {
    const db = await openDatabase({ memory: true, contexts });
    return { db, close: () => db.close() };
  }
  const admin = async (sql: string) => {
    const c = new Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    await c.query(sql).finally(() => c.end());
  };
  const name = `sr_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(process.env.DATABASE_URL ?? '');
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), contexts });
  return { db, close: async () => (await db.close(), await admin(`DROP DATABASE ${name} WITH (FORCE)`)) };
}

describe.each(process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'])(
  'composed migrations run in the composed order [%s]',
  (backend) => {
    it('records them in schema_migrations in exactly the order composeContexts returns', async () => {
      const composed = composeContexts([late]);
      const t = await open(backend, [late]);
      try {
        const rows = await t.db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY id');
        expect(rows.map((r) => r.name)).toEqual(composed.runs.map((r) => r.name));
        expect(rows.map((r) => r.name)).toEqual([
          `Ctx_early${T + 1}`,
          `Ctx_middle${T + 2}`,
          `Ctx_late${T + 100}`,
          `Ctx_middle${T + 200}`,
          `Ctx_early${T + 300}`,
        ]);
        const tables = await t.db.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_tables WHERE schemaname IN ('ctx_early', 'ctx_middle', 'ctx_late')`,
        );
        expect(Number(tables[0].n)).toBe(5);
      } finally {
        await t.close();
      }
    });
  },
);
