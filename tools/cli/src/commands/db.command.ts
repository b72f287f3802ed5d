import type { Command } from 'commander';
import { defaultDataDir, openDatabase, runMigrations } from '@strongroom/persistence';
import { ALL_CONTEXTS } from '../all-contexts';

/** `strongroom db migrate`: applies pending migrations of every schema (`npm run migrate`). */
export function register(program: Command): void {
  const db = program.command('db').description('The system of record (PostgreSQL from DATABASE_URL, else PGlite)');
  db.command('migrate')
    .description('Apply pending migrations of every schema')
    .action(async () => {
      const url = process.env.DATABASE_URL;
      const database = await openDatabase({
        databaseUrl: url,
        dataDir: defaultDataDir(),
        contexts: ALL_CONTEXTS,
        migrate: false,
      });
      try {
        const applied = await runMigrations(database);
        const where = url
          ? `PostgreSQL (${new URL(url).host}${new URL(url).pathname})`
          : `PGlite at ${defaultDataDir()}`;
        console.log(
          applied.length
            ? `applied ${applied.length} migration(s) to ${where}:\n  ${applied.join('\n  ')}`
            : `${where} is up to date`,
        );
      } finally {
        await database.close();
      }
    });
}
