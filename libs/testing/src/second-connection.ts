import { openDatabase, type Database } from '@strongroom/persistence';
import type { TestDatabase } from './test-database';

/**
 * A second replica's Database over the test database of `ctx`, opened before the suite's tests
 * and closed after them. PostgreSQL: its own pool on the same database. PGlite is held by one
 * process, so its "replicas" share the one Database (what is under test must still hold across them).
 */
export function secondReplica(ctx: () => TestDatabase): () => Database {
  let second: Database | undefined;
  let own = false;
  beforeAll(async () => {
    const t = ctx();
    if (t.backend === 'postgres' && t.url) {
      second = await openDatabase({ databaseUrl: t.url, migrate: false });
      own = true;
    } else second = t.db;
  });
  afterAll(async () => {
    if (own) await second?.close();
  });
  return () => {
    if (!second) throw new Error('second replica not open yet');
    return second;
  };
}
