import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { composeContexts, openDatabase } from '@strongroom/persistence';
import { ALL_CONTEXTS } from '../all-contexts';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../../../..');

describe('strongroom db migrate (npm run migrate)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sr-migrate-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('applies every schema once into STRONGROOM_DATA_DIR, then reports it up to date', async () => {
    const env = { ...process.env, STRONGROOM_DATA_DIR: dir, DATABASE_URL: '' };
    const cli = ['tools/run.js', 'tools/cli/src/main.ts', 'db', 'migrate'];
    const first = await run('node', cli, { cwd: root, env });
    expect(first.stdout).toContain(`applied ${composeContexts(ALL_CONTEXTS).migrations.length} migration(s)`);
    const second = await run('node', cli, { cwd: root, env });
    expect(second.stdout).toContain('is up to date');
    const db = await openDatabase({ dataDir: dir, contexts: ALL_CONTEXTS, migrate: false });
    try {
      const schemas = await db.query<{ nspname: string }>(
        `SELECT nspname FROM pg_namespace WHERE nspname IN ('ledger','auth','audit','events','keys','deposits','withdrawals','compliance') ORDER BY 1`,
      );
      expect(schemas.map((s) => s.nspname)).toEqual([
        'audit',
        'auth',
        'compliance',
        'deposits',
        'events',
        'keys',
        'ledger',
        'withdrawals',
      ]);
    } finally {
      await db.close();
    }
  });
});
