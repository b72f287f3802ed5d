import type { Command } from 'commander';
import { AuditLog, auditContext, type AuditVerification, type UnchainedTail } from '@strongroom/audit';
import { defaultDataDir, openDatabase, type Database } from '@strongroom/persistence';

/**
 * `strongroom audit verify [--anchor <seq>:<hash>] [--json]`: recomputes the audit log's hash
 * chain in the system of record (`DATABASE_URL`, else the PGlite data dir `STRONGROOM_DATA_DIR`)
 * and says how many committed entries the chainer has not linked yet (those are not covered).
 * Exit 0 intact, 1 if any entry was altered, removed or reordered, 2 if there is no log to check.
 */
export function register(program: Command): void {
  const audit = program.command('audit').description('The tamper-evident audit log');
  audit
    .command('verify')
    .description(
      'verify the hash chain of the audit log and report its unchained tail; exit 0 if intact, 1 if tampered',
    )
    .option('--anchor <seq:hash>', 'a head published earlier that must still be in the chain')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { anchor?: string; json?: boolean }) => {
      process.exitCode = await runAuditVerify(
        opts,
        (l) => console.log(l),
        (l) => console.error(l),
      );
    });
}

export async function runAuditVerify(
  opts: { anchor?: string; json?: boolean },
  out: (l: string) => void,
  err: (l: string) => void,
): Promise<number> {
  let anchor: { seq: number; hash: string } | undefined;
  if (opts.anchor !== undefined) {
    const m = /^(\d+):([0-9a-f]{64})$/.exec(opts.anchor);
    if (!m) {
      err('--anchor must be <seq>:<64 hex characters>');
      return 2;
    }
    anchor = { seq: Number(m[1]), hash: m[2] };
  }
  const db = await openAuditDatabase();
  try {
    const [exists] = await db.query<{ t: string | null }>(`SELECT to_regclass('audit.entries')::text AS t`);
    if (!exists.t) {
      err('no audit log in this database (its migrations have not been run)');
      return 2;
    }
    const result = await new AuditLog(db).verify(anchor ? { anchor } : {});
    if (opts.json) out(JSON.stringify(result, null, 2));
    else (result.ok ? out : err)(describe(result));
    return result.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}

/** The system of record, opened without migrating: verifying must not change what it checks. */
function openAuditDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  return url
    ? openDatabase({ databaseUrl: url, contexts: [auditContext], migrate: false, poolSize: 2 })
    : openDatabase({ dataDir: defaultDataDir(), contexts: [auditContext], migrate: false });
}

function describe(r: AuditVerification): string {
  const tail = describeTail(r.unchained);
  if (r.ok) return `OK: ${r.checked} entries chained and intact up to seq ${r.head.seq} (head ${r.head.hash}); ${tail}`;
  return [
    `TAMPERED: ${r.problems.length} problem(s) in ${r.checked} entries chained up to seq ${r.head.seq}; ${tail}`,
    ...r.problems.map((p) => `  seq ${p.seq}: ${p.kind}: ${p.detail}`),
  ].join('\n');
}

/** The entries the check did not cover: committed, not yet linked by the chainer. */
function describeTail(t: UnchainedTail): string {
  if (t.count === 0) return 'no entries waiting to be chained';
  const age = (t.oldestAgeSeconds ?? 0).toFixed(1);
  return `${t.count} not yet chained, not covered (oldest from ${t.oldestAt}, ${age} s ago)`;
}
