import type { Database } from '@strongroom/persistence';
import type { LedgerService } from '../ledger.service';
import type { Accounts, Observed } from './concurrent-writers';

interface Row {
  id: string;
  seq: bigint;
  dr: string;
  cr: string;
  pd: bigint;
  qd: bigint;
  pendingId: string | null;
}
type Sums = { dp: bigint; dq: bigint; cp: bigint; cq: bigint };
const zero = (): Sums => ({ dp: 0n, dq: 0n, cp: 0n, cq: 0n });
const key = (s: Sums) => `${s.dp}/${s.dq}/${s.cp}/${s.cq}`;

function fail(what: string): never {
  throw new Error(`cut property broken: ${what}`);
}

/** The stamped transfers of a run's accounts, in sequence order; fails on any still unstamped. */
async function stampedRows(db: Database, acc: Accounts): Promise<Row[]> {
  const all = [acc.custody, acc.fee, ...acc.users, ...acc.pair];
  const raw = await db.query<{
    id: string;
    seq: string | null;
    dr: string;
    cr: string;
    pd: string;
    qd: string;
    pending_id: string | null;
  }>(
    `SELECT t.id, (b.first_sequence + t.ord - 1)::text AS seq, t.debit_account_id AS dr, t.credit_account_id AS cr,
            t.pending_delta::text AS pd, t.posted_delta::text AS qd, t.pending_id
       FROM ledger.transfers t JOIN ledger.batches b ON b.ticket = t.ticket
      WHERE t.debit_account_id = ANY ($1::uuid[]) OR t.credit_account_id = ANY ($1::uuid[])`,
    [all],
  );
  const unstamped = raw.find((r) => r.seq === null);
  if (unstamped) fail(`transfer ${unstamped.id} is still unstamped after a round`);
  return raw
    .map((r) => ({
      id: r.id,
      seq: BigInt(r.seq as string),
      dr: r.dr,
      cr: r.cr,
      pd: BigInt(r.pd),
      qd: BigInt(r.qd),
      pendingId: r.pending_id,
    }))
    .sort((a, b) => (a.seq < b.seq ? -1 : 1));
}

/** The whole ledger's stamped sequence is 1..last with nothing twice, and the sequencer says last. */
async function checkGapFree(db: Database): Promise<void> {
  const [g] = await db.query<{ n: string; distinct: string; lo: string | null; hi: string | null; last: string }>(
    `SELECT count(*) AS n, count(DISTINCT b.first_sequence + t.ord - 1) AS distinct,
            min(b.first_sequence + t.ord - 1) AS lo, max(b.first_sequence + t.ord - 1) AS hi,
            (SELECT last FROM ledger.sequencer WHERE id = 1) AS last
       FROM ledger.transfers t JOIN ledger.batches b ON b.ticket = t.ticket WHERE b.first_sequence IS NOT NULL`,
  );
  if (g.n !== g.distinct) fail(`${g.n} stamped transfers but ${g.distinct} distinct sequences`);
  if (g.n !== g.last || (g.lo ?? '1') !== '1' || (g.hi ?? '0') !== g.last)
    fail(`${g.n} stamped transfers span ${g.lo}..${g.hi}, sequencer at ${g.last}`);
}

/** Exactly the committed transactions' transfers exist; each transaction's are one run of sequences. */
function checkTransactions(rows: Row[], observed: Observed[]): Map<Observed, { lo: bigint; hi: bigint }> {
  const seqOf = new Map(rows.map((r) => [r.id, r.seq]));
  const committed = observed.filter((o) => o.committed);
  const expected = new Set(committed.flatMap((o) => o.ids));
  for (const o of observed.filter((x) => !x.committed))
    for (const id of o.ids) if (seqOf.has(id)) fail(`rolled-back transfer ${id} exists`);
  for (const id of expected) if (!seqOf.has(id)) fail(`committed transfer ${id} is missing`);
  if (rows.length !== expected.size) fail(`${rows.length} transfers for ${expected.size} committed`);
  const ranges = new Map<Observed, { lo: bigint; hi: bigint }>();
  for (const o of committed) {
    if (o.ids.length === 0) continue;
    const seqs = o.ids.map((id) => seqOf.get(id) as bigint).sort((a, b) => (a < b ? -1 : 1));
    const lo = seqs[0];
    const hi = seqs[seqs.length - 1];
    if (hi - lo + 1n !== BigInt(seqs.length)) fail(`a transaction's transfers ${o.ids.join(',')} are not contiguous`);
    ranges.set(o, { lo, hi });
  }
  return ranges;
}

/** A transaction that began after another's commit returned has only later sequences. */
function checkRealTimeOrder(ranges: Map<Observed, { lo: bigint; hi: bigint }>): void {
  const byEnd = [...ranges.entries()].sort((a, b) => a[0].endedAt - b[0].endedAt);
  const byStart = [...ranges.entries()].sort((a, b) => a[0].startedAt - b[0].startedAt);
  let i = 0;
  let maxHi = 0n;
  for (const [b, r] of byStart) {
    for (; i < byEnd.length && byEnd[i][0].endedAt < b.startedAt; i++)
      if (byEnd[i][1].hi > maxHi) maxHi = byEnd[i][1].hi;
    if (maxHi >= r.lo)
      fail(`a transaction begun after a commit returned got sequence ${r.lo}, the earlier one ${maxHi}`);
  }
}

/**
 * Every prefix of the sequence over the run's accounts: the database's as-of sums equal the sums
 * of the transfers up to it, and the state is one the ledger's checks allow (no user debited
 * beyond its credits, custody not credited beyond its debits, no resolution before its pending).
 */
async function checkPrefixes(db: Database, ledger: LedgerService, acc: Accounts, rows: Row[]): Promise<number> {
  const accounts = [acc.custody, acc.fee, ...acc.users, ...acc.pair];
  const cuts = [rows.length ? rows[0].seq - 1n : 0n, ...rows.map((r) => r.seq)];
  const fromDb = new Map<string, string>();
  const dbRows = await db.query<{ seq: string; id: string; dp: string; dq: string; cp: string; cq: string }>(
    `SELECT s.seq::text AS seq, a.id, x.debits_pending::text AS dp, x.debits_posted::text AS dq,
            x.credits_pending::text AS cp, x.credits_posted::text AS cq
       FROM unnest($1::bigint[]) s(seq) CROSS JOIN unnest($2::uuid[]) a(id) CROSS JOIN LATERAL ledger.sums_as_of(a.id, s.seq) x`,
    [cuts.map(String), accounts],
  );
  for (const r of dbRows) fromDb.set(`${r.seq} ${r.id}`, `${r.dp}/${r.dq}/${r.cp}/${r.cq}`);
  const sums = new Map(accounts.map((a) => [a, zero()]));
  const seen = new Set<string>();
  const check = (cut: bigint) => {
    for (const a of accounts) {
      const s = sums.get(a) as Sums;
      if (fromDb.get(`${cut} ${a}`) !== key(s))
        fail(`as of ${cut}, account ${a}: database ${fromDb.get(`${cut} ${a}`)}, transfers ${key(s)}`);
    }
    for (const u of [...acc.users, ...acc.pair]) {
      const s = sums.get(u) as Sums;
      if (s.dp + s.dq > s.cq) fail(`as of ${cut}, user ${u} is debited ${s.dp + s.dq} beyond its credits ${s.cq}`);
    }
    const c = sums.get(acc.custody) as Sums;
    if (c.cp + c.cq > c.dq) fail(`as of ${cut}, custody is credited beyond its debits`);
  };
  check(cuts[0]);
  for (const r of rows) {
    if (r.pendingId && !seen.has(r.pendingId)) fail(`${r.id} (sequence ${r.seq}) resolves ${r.pendingId} before it`);
    seen.add(r.id);
    const d = sums.get(r.dr) as Sums;
    const c = sums.get(r.cr) as Sums;
    d.dp += r.pd;
    d.dq += r.qd;
    c.cp += r.pd;
    c.cq += r.qd;
    check(r.seq);
  }
  // The service's own as-of read agrees at a sample of cuts.
  for (let i = 0; i < cuts.length; i += Math.max(1, Math.floor(cuts.length / 8))) {
    const b = await ledger.balances(acc.users[i % acc.users.length], { sequence: cuts[i] });
    if (
      fromDb.get(`${cuts[i]} ${acc.users[i % acc.users.length]}`) !==
      key({ dp: b.debitsPending, dq: b.debitsPosted, cp: b.creditsPending, cq: b.creditsPosted })
    )
      fail(`LedgerService.balances as of ${cuts[i]} disagrees with the sums`);
  }
  return cuts.length;
}

/** Everything the cut promises, for one run of concurrent writers; how many cuts were checked. */
export async function checkCut(
  db: Database,
  ledger: LedgerService,
  acc: Accounts,
  observed: Observed[],
): Promise<number> {
  await checkGapFree(db);
  const rows = await stampedRows(db, acc);
  checkRealTimeOrder(checkTransactions(rows, observed));
  return checkPrefixes(db, ledger, acc, rows);
}
