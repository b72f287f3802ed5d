import { userInfo } from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import {
  authContext,
  createApiKey,
  createClient,
  listApiKeys,
  listClients,
  revokeApiKey,
  setApiKeyClients,
  type ClientCustody,
  type ClientScope,
} from '@strongroom/api-auth';
import { AuditLog } from '@strongroom/audit';
import { defaultDataDir, openDatabase, type Database, type Tx } from '@strongroom/persistence';
import { ROLES, type Role } from '@strongroom/shared-types';

const contexts = [authContext];

/** The system of record the CLI works on: `DATABASE_URL`, else the embedded PGlite data dir. */
async function openAuthDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  return openDatabase(url ? { databaseUrl: url, contexts, poolSize: 2 } : { dataDir: defaultDataDir(), contexts });
}

async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openAuthDatabase();
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/**
 * The operator with database access is the root of trust: the CLI acts directly (no dual control),
 * and every change it makes is in the audit log under this actor, in the same transaction.
 */
async function audited<T>(
  fn: (
    tx: Tx,
    audit: (action: string, subject: { type: string; id: string }, payload: unknown) => Promise<void>,
  ) => Promise<T>,
): Promise<T> {
  return withDatabase(async (db) => {
    const log = new AuditLog(db);
    const actor = { id: `cli:${userInfo().username}`, role: 'operator' };
    const result = await db.transaction((tx) =>
      fn(
        tx,
        async (action, subject, payload) =>
          void (await log.append(tx, { actor, action, subject, payload: { ...(payload as object), via: 'cli' } })),
      ),
    );
    // An embedded data directory has no running chainer (the service is stopped): link the entries
    // now rather than at its next start. On PostgreSQL the services' chainer links them, and a wait
    // here could only fail a change already committed.
    if (db.backend === 'pglite') await log.flush();
    return result;
  });
}

function parseRole(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
  return value as Role;
}

/** `--clients all` or `--clients acme,globex`. */
function parseClients(value: string): ClientScope {
  if (value === 'all') return 'all';
  const ids = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new InvalidArgumentError("give 'all' or a comma-separated list of client ids");
  return ids;
}

function parseCustody(value: string): ClientCustody {
  if (value !== 'segregated' && value !== 'pooled') throw new InvalidArgumentError('must be segregated or pooled');
  return value;
}

/** Names stored before names were checked may hold terminal escapes: never print them raw. */
const printable = (s: string): string =>
  s.replace(
    /[\p{Cc}\p{Cs}\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
const scopeText = (c: ClientScope): string => (c === 'all' ? 'all' : c.length === 0 ? '(none)' : c.join(','));

// Long because it is the `admin` command table: one commander chain per subcommand (keys, scopes,
// clients), a few lines each, kept in the order `--help` lists them.
/** `strongroom admin …`: API keys and clients, directly on the database (the operator is the root of trust). */
export function register(program: Command): void {
  const admin = program.command('admin').description('API keys, clients and roles');

  admin
    .command('create-key')
    .description(
      'create an API key and print its id and secret (the secret is shown only this once); audited, no dual control',
    )
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, parseRole)
    .requiredOption('--name <name>', 'what the key is for')
    .requiredOption('--owner <owner>', 'the accountable person or team (dual control counts owners, not keys)')
    .option(
      '--clients <ids>',
      "'all' or client ids, comma-separated (required for backend keys; admin keys are always all)",
      parseClients,
    )
    .option('--json', 'print {"keyId","secret","role","name","owner","clients"} as JSON')
    .action(async (opts: { role: Role; name: string; owner: string; clients?: ClientScope; json?: boolean }) => {
      const clients = opts.clients ?? (opts.role === 'admin' ? 'all' : undefined);
      const creds = await audited(async (tx, audit) => {
        const made = await createApiKey(tx, { name: opts.name, role: opts.role, owner: opts.owner, clients });
        await audit(
          'auth.key_created',
          { type: 'api_key', id: made.keyId },
          { name: opts.name.trim(), role: opts.role, owner: opts.owner.trim(), clients: clients ?? null },
        );
        return made;
      });
      const [info] = (await withDatabase((db) => listApiKeys(db))).filter((k) => k.keyId === creds.keyId);
      if (opts.json) {
        console.log(
          JSON.stringify({ ...creds, role: info.role, name: info.name, owner: info.owner, clients: info.clients }),
        );
      } else {
        console.log(`key id:  ${creds.keyId}`);
        console.log(`secret:  ${creds.secret}`);
        console.log(`role:    ${info.role}`);
        console.log(`owner:   ${printable(info.owner)}`);
        console.log(`clients: ${scopeText(info.clients)}`);
        console.log('Store the secret now: it is not kept and cannot be shown again.');
      }
    });

  admin
    .command('list-keys')
    .description('list API keys: id, role, state, owner, clients, name (never secrets)')
    .action(async () => {
      const keys = await withDatabase((db) => listApiKeys(db));
      for (const k of keys) {
        console.log(
          `${k.keyId}\t${k.role}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}\t${printable(k.owner)}\t${scopeText(k.clients)}\t${printable(k.name)}`,
        );
      }
    });

  admin
    .command('revoke-key <keyId>')
    .description('revoke an API key; requests signed with it are refused from now on (audited)')
    .action(async (keyId: string) => {
      await audited(async (tx, audit) => {
        await revokeApiKey(tx, keyId);
        await audit('auth.key_revoked', { type: 'api_key', id: keyId }, {});
      });
      console.log(`revoked ${keyId}`);
    });

  admin
    .command('scope-key <keyId>')
    .description(
      "set the clients a key may act for ('all' or ids, comma-separated): for backend keys carried over from before client scopes (audited)",
    )
    .requiredOption('--clients <ids>', "'all' or client ids, comma-separated", parseClients)
    .action(async (keyId: string, opts: { clients: ClientScope }) => {
      await audited(async (tx, audit) => {
        await setApiKeyClients(tx, keyId, opts.clients);
        await audit('auth.key_scoped', { type: 'api_key', id: keyId }, { clients: opts.clients });
      });
      console.log(`${keyId} clients: ${scopeText(opts.clients)}`);
    });

  admin
    .command('create-client')
    .description('register a client (audited, no dual control; over HTTP this is a dual-control change)')
    .requiredOption('--id <id>', 'client id: 1 to 64 of [A-Za-z0-9._-]')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--custody <model>', 'segregated or pooled', parseCustody)
    .action(async (opts: { id: string; name: string; custody: ClientCustody }) => {
      const client = await audited(async (tx, audit) => {
        const made = await createClient(tx, opts);
        await audit('client.created', { type: 'client', id: made.id }, { client: made });
        return made;
      });
      console.log(`client ${client.id} (${client.custody}, ${client.status})`);
    });

  admin
    .command('list-clients')
    .description('list clients: id, custody, status, name')
    .action(async () => {
      for (const c of await withDatabase((db) => listClients(db)))
        console.log(`${c.id}\t${c.custody}\t${c.status}\t${printable(c.name)}`);
    });
}
