import { InvalidArgumentError, type Command } from 'commander';
import { authMigrations, createApiKey, listApiKeys, revokeApiKey } from '@strongroom/api-auth';
import { defaultDataDir, openDatabase, type Database } from '@strongroom/persistence';
import { ROLES, type Role } from '@strongroom/shared-types';

/** The system of record the CLI works on: `DATABASE_URL`, else the embedded PGlite data dir. */
async function openAuthDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  return openDatabase(url ? { databaseUrl: url, migrations: authMigrations, poolSize: 2 } : { dataDir: defaultDataDir(), migrations: authMigrations });
}

async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openAuthDatabase();
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

function parseRole(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
  return value as Role;
}

/** `strongroom admin …`: API keys (the first admin key, and any other). */
export function register(program: Command): void {
  const admin = program.command('admin').description('API keys and roles');

  admin
    .command('create-key')
    .description('create an API key and print its id and secret (the secret is shown only this once)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, parseRole)
    .requiredOption('--name <name>', 'who or what holds the key')
    .option('--json', 'print {"keyId","secret","role","name"} as JSON')
    .action(async (opts: { role: Role; name: string; json?: boolean }) => {
      const creds = await withDatabase((db) => createApiKey(db, { name: opts.name, role: opts.role }));
      if (opts.json) {
        console.log(JSON.stringify({ ...creds, role: opts.role, name: opts.name }));
      } else {
        console.log(`key id:  ${creds.keyId}`);
        console.log(`secret:  ${creds.secret}`);
        console.log(`role:    ${opts.role}`);
        console.log('Store the secret now: it is not kept and cannot be shown again.');
      }
    });

  admin
    .command('list-keys')
    .description('list API keys (ids, names, roles, revocation; never secrets)')
    .action(async () => {
      const keys = await withDatabase((db) => listApiKeys(db));
      for (const k of keys) console.log(`${k.keyId}\t${k.role}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}\t${k.name}`);
    });

  admin
    .command('revoke-key <keyId>')
    .description('revoke an API key; requests signed with it are refused from now on')
    .action(async (keyId: string) => {
      await withDatabase((db) => revokeApiKey(db, keyId));
      console.log(`revoked ${keyId}`);
    });
}
