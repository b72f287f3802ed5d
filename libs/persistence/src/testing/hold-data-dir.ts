import { openDatabase } from '../data-source.factory';
import { lockDataDir } from '../data-dir-lock';

/**
 * Test helper run as a real second process: `node tools/run.js <this file> <dir> [lock|open]`
 * takes the data-directory lock (or opens the database as a service does — PostgreSQL when
 * DATABASE_URL is set, else PGlite there, which takes the lock), prints `held <pid>` and waits
 * until killed.
 */
async function main(): Promise<void> {
  const [dir, mode = 'lock'] = process.argv.slice(2);
  if (!dir) throw new Error('usage: hold-data-dir <dir> [lock|open]');
  const url = process.env.DATABASE_URL;
  if (mode === 'open')
    await openDatabase(url ? { databaseUrl: url, migrate: false, poolSize: 2 } : { dataDir: dir, migrate: false });
  else lockDataDir(dir);
  console.log(`held ${process.pid}`);
  setInterval(() => undefined, 60_000);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
