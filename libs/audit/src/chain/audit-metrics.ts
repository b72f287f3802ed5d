import type { Database } from '@strongroom/persistence';
import { metricsRegistry } from '@strongroom/shared-http';
import { Counter, Gauge } from 'prom-client';
import { utcMillis } from '../audit-entry-row';

export const auditUnchained = new Gauge({
  name: 'strongroom_audit_unchained_entries',
  help: 'Audit entries committed but not yet linked into the hash chain',
  registers: [metricsRegistry],
});

export const auditUnchainedOldestAge = new Gauge({
  name: 'strongroom_audit_unchained_oldest_age_seconds',
  help: 'Age of the oldest audit entry not yet linked into the hash chain; 0 when there is none',
  registers: [metricsRegistry],
});

export const auditChained = new Counter({
  name: 'strongroom_audit_chained_total',
  help: 'Audit entries this process linked into the hash chain',
  registers: [metricsRegistry],
});

export const auditChainerErrors = new Counter({
  name: 'strongroom_audit_chainer_errors_total',
  help: 'Rounds of the audit chainer that failed (retried)',
  registers: [metricsRegistry],
});

/** The unchained tail: how many entries wait and since when (database clock). */
export interface UnchainedTail {
  count: number;
  /** `at` of the oldest unchained entry, null when there is none. */
  oldestAt: string | null;
  /** Seconds since then, null when there is none. */
  oldestAgeSeconds: number | null;
}

/** One statement over the unchained index, so it costs the tail's size, not the log's. */
export const UNCHAINED_TAIL_SQL = `SELECT count(*)::text AS n, ${utcMillis('min(at)')} AS oldest_at,
  extract(epoch FROM clock_timestamp() - min(at))::float8 AS age FROM audit.entries WHERE seq IS NULL`;

export interface UnchainedTailRow {
  n: string;
  oldest_at: string | null;
  age: number | null;
}

export function toUnchainedTail(row: UnchainedTailRow): UnchainedTail {
  return { count: Number(row.n), oldestAt: row.oldest_at, oldestAgeSeconds: row.age === null ? null : Number(row.age) };
}

/** Reads the tail and sets the gauges from it. */
export async function measureUnchained(db: Database): Promise<UnchainedTail> {
  const [row] = await db.query<UnchainedTailRow>(UNCHAINED_TAIL_SQL);
  const tail = toUnchainedTail(row);
  auditUnchained.set(tail.count);
  auditUnchainedOldestAge.set(Math.max(0, tail.oldestAgeSeconds ?? 0));
  return tail;
}
