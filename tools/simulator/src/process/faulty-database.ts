import type { Database, Isolation, Tx } from '@strongroom/persistence';
import { SimDbFault, type CrashPlan } from './crash-plan';

/**
 * The process's view of the database: the real Database, with a crash point before and after
 * every commit and, now and then, a commit that fails (rolled back, the caller sees an error).
 * The database itself — the PGlite instance — outlives every crash, like a disk.
 */
export function faultyDatabase(db: Database, plan: CrashPlan): Database {
  const transaction = async <T>(fn: (tx: Tx) => Promise<T>, isolation?: Isolation): Promise<T> => {
    plan.guard();
    const result = await db.transaction(async (tx) => {
      const r = await fn(tx);
      plan.point('db.before_commit');
      if (plan.dbFault()) throw new SimDbFault('the database refused the commit (simulated)');
      return r;
    }, isolation);
    plan.point('db.after_commit');
    return result;
  };
  const query = async <T>(sql: string, params?: unknown[]): Promise<T[]> => {
    plan.guard();
    return db.query<T>(sql, params);
  };
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'transaction') return transaction;
      if (prop === 'query') return query;
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
