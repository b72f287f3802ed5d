import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditLog, auditContext } from '@strongroom/audit';
import { openDatabase } from '@strongroom/persistence';
import { openTestDatabase, testBackends, type TestDatabase } from '@strongroom/testing';
import { sigkill, spawnUntil } from '@strongroom/local-services/child-process';

/**
 * The CLI against a running service: on PGlite every command that opens the data directory is
 * refused with one line saying what to do, because the service's process holds the directory's
 * lock (taken by `openDatabase`, as every app does); against PostgreSQL the CLI works alongside.
 * The "service" is a real second process that opened the database the way the apps do.
 */
const ROOT = path.resolve(__dirname, '../../..');
jest.setTimeout(180_000);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['tools/run.js', 'tools/cli/src/main.ts', ...args],
      { cwd: ROOT, env: { ...process.env, NODE_NO_WARNINGS: '1', ...env }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A real process holding the database open; resolves once it has. */
async function startService(dir: string, env: Record<string, string>): Promise<ChildProcess> {
  const hold = 'libs/persistence/src/testing/hold-data-dir.ts';
  return (await spawnUntil('service', hold, [dir, 'open'], env, /held /)).child;
}

async function seedAudit(open: () => ReturnType<typeof openDatabase>): Promise<void> {
  const db = await open();
  try {
    const log = new AuditLog(db);
    for (let i = 0; i < 3; i++)
      await log.record({
        actor: { id: 'op', role: 'admin' },
        action: 'policy.changed',
        subject: { type: 'policy', id: 'p1' },
        payload: { i },
      });
    await log.flush();
  } finally {
    await db.close();
  }
}

describe('CLI while the service runs [pglite]', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'cli-lock-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses every command that opens the data directory, in one line, and works once the service is gone', async () => {
    await seedAudit(() => openDatabase({ dataDir: dir, contexts: [auditContext] }));
    const env = { STRONGROOM_DATA_DIR: dir, DATABASE_URL: '' };
    const service = await startService(dir, env);
    try {
      for (const args of [
        ['admin', 'list-keys'],
        ['audit', 'verify'],
        ['db', 'migrate'],
        ['keys', 'list'],
      ]) {
        const r = await cli(args, env);
        expect({ args, code: r.code }).toEqual({ args, code: 1 });
        expect(r.stderr.trim().split('\n')).toEqual([
          expect.stringMatching(
            new RegExp(
              `^strongroom: another custody process \\(pid ${service.pid}\\) is using .*stop it first \\(or use its HTTP API while it runs\\)`,
            ),
          ),
        ]);
      }
      expect(service.exitCode).toBeNull(); // the service was not disturbed
    } finally {
      await sigkill(service);
    }
    // Killed outright, its lock is stale: the CLI takes the directory over and reads it.
    const after = await cli(['audit', 'verify'], env);
    expect({ code: after.code, stderr: after.stderr }).toEqual({ code: 0, stderr: '' });
    expect(after.stdout).toContain('OK: 3 entries');
  });
});

for (const backend of testBackends().filter((b) => b === 'postgres')) {
  describe(`CLI while the service runs [${backend}]`, () => {
    let pg: TestDatabase;
    let dir: string;
    beforeAll(async () => {
      pg = await openTestDatabase('postgres', { contexts: [auditContext] });
      dir = mkdtempSync(path.join(tmpdir(), 'cli-lock-pg-'));
    });
    afterAll(async () => {
      await pg?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('works alongside: the data directory lock plays no part', async () => {
      await seedAudit(() => openDatabase({ databaseUrl: pg.url, contexts: [auditContext], poolSize: 2 }));
      const env = { DATABASE_URL: pg.url as string, STRONGROOM_DATA_DIR: dir };
      // One process connected to the database, another holding the (unused) data directory.
      const services = [await startService(dir, env), await startService(dir, { ...env, DATABASE_URL: '' })];
      try {
        const r = await cli(['audit', 'verify'], env);
        expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
        expect(r.stdout).toContain('OK: 3 entries');
      } finally {
        for (const s of services) await sigkill(s);
      }
    });
  });
}
