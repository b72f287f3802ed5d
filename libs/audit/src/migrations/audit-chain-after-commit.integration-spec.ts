import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, runMigrations, type ContextDescriptor, type Database, type Tx } from '@strongroom/persistence';
import { openTestDatabase, testBackends } from '@strongroom/testing';
import { entryHash, payloadHashOf } from '../audit-entry';
import { AuditLog } from '../audit-log';
import { auditContext } from '../audit.context';
import { AuditInit1795322032770 } from './audit-init.migration';

/** The audit schema as released before entries were linked after commit. */
const linkedAtInsert: ContextDescriptor = { ...auditContext, migrations: [AuditInit1795322032770] };
const actor = { id: 'op', role: 'admin' };

/** An append as it was then: the writer locks the head and inserts the linked entry. */
async function appendLinkedAtInsert(tx: Tx, n: number): Promise<void> {
  const [head] = await tx.query<{ seq: string; hash: string; at: string }>(
    `SELECT seq, hash, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at FROM audit.head WHERE id = 1 FOR UPDATE`,
  );
  const payload = { n };
  const fields = {
    seq: Number(head.seq) + 1,
    at: head.at,
    actor,
    action: 'thing.noted',
    subject: { type: 'thing', id: `old${n}` },
    payloadHash: payloadHashOf(payload),
    prevHash: head.hash,
  };
  await tx.query(
    `INSERT INTO audit.entries (seq, at, actor_id, actor_role, action, subject_type, subject_id, payload, payload_hash, prev_hash, hash)
     VALUES ($1, $2::timestamptz, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11)`,
    [
      fields.seq,
      fields.at,
      actor.id,
      actor.role,
      fields.action,
      'thing',
      fields.subject.id,
      JSON.stringify(payload),
      fields.payloadHash,
      fields.prevHash,
      entryHash(fields),
    ],
  );
}

/** A database on the old schema, then the same one opened on the current schema (migrated). */
async function upgraded(
  backend: 'pglite' | 'postgres',
  dir: string,
): Promise<{ db: Database; close(): Promise<void> }> {
  if (backend === 'pglite') {
    const old = await openDatabase({ dataDir: dir, contexts: [linkedAtInsert] });
    for (let n = 1; n <= 3; n++) await old.transaction((tx) => appendLinkedAtInsert(tx, n));
    await old.close();
    const db = await openDatabase({ dataDir: dir, contexts: [auditContext] });
    return { db, close: () => db.close() };
  }
  const t = await openTestDatabase('postgres', { contexts: [linkedAtInsert] });
  for (let n = 1; n <= 3; n++) await t.db.transaction((tx) => appendLinkedAtInsert(tx, n));
  const db = await openDatabase({ databaseUrl: t.url, contexts: [auditContext], poolSize: 4 });
  return {
    db,
    async close() {
      await db.close();
      await t.close();
    },
  };
}

describe.each(testBackends())('the audit schema linking after commit [%s]', (backend) => {
  it('carries an existing chain over, continues it, and reverts once everything is linked', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-upgrade-'));
    const { db, close } = await upgraded(backend, dir);
    try {
      const log = new AuditLog(db);
      expect(await log.verify()).toMatchObject({ ok: true, checked: 3, head: { seq: 3 }, unchained: { count: 0 } });
      expect((await log.list()).map((e) => [e.id, e.seq])).toEqual([
        [1, 1],
        [2, 2],
        [3, 3],
      ]);
      const written = await log.record({ actor, action: 'thing.noted', subject: { type: 'thing', id: 'new' } });
      expect(written.id).toBe(4);
      await expect(db.dataSource.undoLastMigration()).rejects.toThrow(/still unchained/);
      await log.flush();
      expect(await log.verify()).toMatchObject({ ok: true, checked: 4, head: { seq: 4 } });

      await db.dataSource.undoLastMigration();
      await db.transaction((tx) => appendLinkedAtInsert(tx, 5));
      await runMigrations(db);
      await log.record({ actor, action: 'thing.noted', subject: { type: 'thing', id: 'newer' } });
      await log.flush();
      expect((await log.list()).map((e) => [e.id, e.seq, e.subject.id])).toEqual([
        [1, 1, 'old1'],
        [2, 2, 'old2'],
        [3, 3, 'old3'],
        [4, 4, 'new'],
        [5, 5, 'old5'],
        [6, 6, 'newer'],
      ]);
      expect(await log.verify()).toMatchObject({ ok: true, checked: 6 });
    } finally {
      await close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
