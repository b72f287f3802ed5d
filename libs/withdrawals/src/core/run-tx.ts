import { isRetryableTxError, type Database, type Tx } from '@strongroom/persistence';
import type { AuditPort, AuditRecord } from '../ports';

const queued = new WeakMap<Tx, AuditRecord[]>();

/**
 * One database transaction whose audit records are appended at its very end (after the ledger
 * effect), retried whole on a deadlock or serialization failure.
 */
export async function runTx<T>(deps: { db: Database; audit: AuditPort }, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.db.transaction(async (tx) => {
        queued.set(tx, []);
        const result = await fn(tx);
        for (const record of queued.get(tx) ?? []) await deps.audit.append(tx, record);
        queued.delete(tx);
        return result;
      });
    } catch (err) {
      // A deadlock or serialization failure rolled everything back: the whole unit is re-run.
      if (!isRetryableTxError(err) || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
    }
  }
}

/** Queues an audit record for the end of the transaction started by `runTx`. */
export function audit(tx: Tx, record: AuditRecord): void {
  const q = queued.get(tx);
  if (!q) throw new Error('audit records are written only inside runTx');
  q.push(record);
}

/** Principal of an API caller or of a pipeline worker, in the audit log's shape. */
export function auditActor(id: string, role?: string): AuditRecord['actor'] {
  return { id, role: role ?? (id.startsWith('system:') ? 'system' : 'unknown') };
}
