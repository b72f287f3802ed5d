// Entry point of apps/custody/scripts/sr (see sr-request.ts).
import { sr } from './sr-request';

sr(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`sr: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
