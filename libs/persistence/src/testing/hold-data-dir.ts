import { openDatabase } from '../data-source.factory';
import { lockDataDir } from '../data-dir-lock';

/**
 * Test helper run as a real second process: `node tools/run.js <this file> <dir> [lock|open]`
 * takes the data-directory lock (or opens the PGlite database there, which takes it), prints
 * `held <pid>` and waits until killed.
 */
async function main(): Promise<void> {
  const [dir, mode = 'lock'] = process.argv.slice(2);
  if (!dir) throw new Error('usage: hold-data-dir <dir> [lock|open]');
  if (mode === 'open') await openDatabase({ dataDir: dir, migrate: false });
  else lockDataDir(dir);
  console.log(`held ${process.pid}`);
  setInterval(() => undefined, 60_000);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
