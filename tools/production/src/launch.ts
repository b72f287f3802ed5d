import path from 'node:path';
import { ENTRIES, bundlePath, type EntryName } from './entries';

/**
 * The image's entry point: `launch <app> [args…]` runs one built app (ledger, deposit-watcher,
 * withdrawal-signer, kms-local, cli, custody), so one image serves every service and compose picks
 * the app by command. STRONGROOM_ENV_FILE names an optional env file read first (an operator's
 * settings); variables already set win over the file.
 */
function launch(argv: string[]): void {
  const [name, ...args] = argv;
  if (!name || !(name in ENTRIES)) {
    console.error(`usage: launch <${Object.keys(ENTRIES).join('|')}> [args…]`);
    process.exit(2);
  }
  const file = process.env.STRONGROOM_ENV_FILE;
  if (file) {
    const before = { ...process.env };
    try {
      process.loadEnvFile(file);
    } catch (err) {
      console.error(`launch: cannot read STRONGROOM_ENV_FILE ${file}: ${(err as Error).message}`);
      process.exit(2);
    }
    Object.assign(process.env, before);
  }
  // The bundles sit at the same place under dist/ as their sources; this file is dist/tools/production/src/launch.js.
  const root = path.resolve(__dirname, '..', '..', '..', '..');
  const entry = path.join(root, bundlePath(ENTRIES[name as EntryName]));
  process.argv = [process.argv[0] ?? 'node', entry, ...args];
  require(entry);
}

launch(process.argv.slice(2));
