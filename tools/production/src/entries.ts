/** The entries the image can run, by the name its command takes (paths relative to the repository). */
export const ENTRIES = {
  custody: 'apps/custody/src/main.ts',
  ledger: 'apps/ledger/src/main.ts',
  'deposit-watcher': 'apps/deposit-watcher/src/main.ts',
  'withdrawal-signer': 'apps/withdrawal-signer/src/main.ts',
  cli: 'tools/cli/src/main.ts',
  'kms-local': 'tools/kms-local/src/main.ts',
} as const;

export type EntryName = keyof typeof ENTRIES;

/** Where `npm run build` puts an entry's bundle, relative to the repository (or the image's root). */
export function bundlePath(entry: string): string {
  return `dist/${entry.replace(/\.ts$/, '.js')}`;
}
