import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditLog, auditContext } from '@strongroom/audit';
import { openDatabase, type Database } from '@strongroom/persistence';
import { openTestDatabase, testBackends, type TestDatabase } from '@strongroom/testing';
import { runAuditVerify } from './audit.command';

async function cli(
  env: Record<string, string | undefined>,
  opts: { anchor?: string; json?: boolean } = {},
): Promise<{ code: number; text: string }> {
  const saved = { DATABASE_URL: process.env.DATABASE_URL, STRONGROOM_DATA_DIR: process.env.STRONGROOM_DATA_DIR };
  const lines: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    const code = await runAuditVerify(
      opts,
      (l) => lines.push(l),
      (l) => lines.push(l),
    );
    return { code, text: lines.join('\n') };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Four chained entries and one not yet chained; returns the head. */
async function seed(db: Database): Promise<string> {
  const log = new AuditLog(db);
  const entry = (i: number) => ({
    actor: { id: 'op', role: 'admin' },
    action: 'policy.changed',
    subject: { type: 'policy', id: 'p1' },
    payload: { i },
  });
  for (let i = 1; i <= 4; i++) await log.record(entry(i));
  await log.flush();
  await log.record(entry(5));
  return (await log.head()).hash;
}

async function deleteSecond(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('ALTER TABLE audit.entries DISABLE TRIGGER USER');
    await tx.query('DELETE FROM audit.entries WHERE seq = 2');
    await tx.query('ALTER TABLE audit.entries ENABLE TRIGGER USER');
  });
}

describe('strongroom audit verify', () => {
  it('checks the embedded PGlite data directory (STRONGROOM_DATA_DIR)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-cli-'));
    try {
      let db = await openDatabase({ dataDir: dir, contexts: [auditContext] });
      const head = await seed(db);
      await db.close();
      const ok = await cli({ DATABASE_URL: undefined, STRONGROOM_DATA_DIR: dir }, { anchor: `4:${head}` });
      expect(ok).toEqual({ code: 0, text: expect.stringContaining('OK: 4 entries chained and intact') });
      const json = await cli({ DATABASE_URL: undefined, STRONGROOM_DATA_DIR: dir }, { json: true });
      expect(JSON.parse(json.text)).toMatchObject({ ok: true, checked: 4, unchained: { count: 1 } });
      expect(ok.text).toMatch(/; 1 not yet chained, not covered \(oldest from \d{4}-.*Z, \d+\.\d s ago\)$/);

      db = await openDatabase({ dataDir: dir, contexts: [auditContext] });
      await deleteSecond(db);
      await db.close();
      const bad = await cli({ DATABASE_URL: undefined, STRONGROOM_DATA_DIR: dir });
      expect(bad.code).toBe(1);
      expect(bad.text).toContain('seq 2: missing');
      expect(bad.text).toContain('seq 3: chain_broken');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says so when the database has no audit log', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-cli-empty-'));
    try {
      expect(await cli({ DATABASE_URL: undefined, STRONGROOM_DATA_DIR: dir })).toEqual({
        code: 2,
        text: expect.stringContaining('no audit log'),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  (testBackends().includes('postgres') ? it : it.skip)('checks PostgreSQL (DATABASE_URL)', async () => {
    const t: TestDatabase = await openTestDatabase('postgres', { contexts: [auditContext] });
    try {
      await seed(t.db);
      const ok = await cli({ DATABASE_URL: t.url });
      expect(ok).toEqual({ code: 0, text: expect.stringContaining('1 not yet chained') });
      await deleteSecond(t.db);
      const bad = await cli({ DATABASE_URL: t.url });
      expect(bad).toEqual({ code: 1, text: expect.stringContaining('seq 2: missing') });
    } finally {
      await t.close();
    }
  });
});
