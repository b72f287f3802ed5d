import type { Database } from '@strongroom/persistence';
import { GENESIS_HASH, entryHash, payloadHashOf } from './audit-entry';
import { ENTRY_COLUMNS, toEntry, type EntryRow } from './audit-entry-row';
import { toUnchainedTail, UNCHAINED_TAIL_SQL, type UnchainedTail, type UnchainedTailRow } from './chain/audit-metrics';

export type AuditProblemKind =
  | 'missing'
  | 'payload_altered'
  | 'entry_altered'
  | 'chain_broken'
  | 'beyond_head'
  | 'head_mismatch'
  | 'anchor_mismatch';

export interface AuditProblem {
  seq: number;
  kind: AuditProblemKind;
  detail: string;
}

export interface AuditVerification {
  /** The chained prefix (up to `head`) is intact. Unchained entries are reported, not judged. */
  ok: boolean;
  /** Chained entries read and checked. */
  checked: number;
  head: { seq: number; hash: string };
  /** Entries committed but not yet linked when verification started: not covered by the check. */
  unchained: UnchainedTail;
  /** The first problems found, in seq order (at most 100). */
  problems: AuditProblem[];
}

export interface AuditVerifyOptions {
  /** A head published earlier (e.g. in a report or to an auditor): it must still be in the chain. */
  anchor?: { seq: number; hash: string };
  pageSize?: number;
}

const MAX_PROBLEMS = 100;

/**
 * Recomputes the chained prefix: every payload hash, every entry hash and every link, seq by seq,
 * up to the head read at the start (entries linked while verifying are not part of this check),
 * and reports the unchained tail of that moment. Each problem is reported at the seq where it is
 * seen (an edit, a removal or a reordering shows at the entry concerned and breaks the link of
 * the next one).
 */
export async function verifyChain(db: Database, options: AuditVerifyOptions = {}): Promise<AuditVerification> {
  const pageSize = options.pageSize ?? 1000;
  // One statement, so the head and the tail are one moment.
  const [start] = await db.query<UnchainedTailRow & { head_seq: string; head_hash: string }>(
    `SELECT h.seq AS head_seq, h.hash AS head_hash, t.* FROM audit.head h, (${UNCHAINED_TAIL_SQL}) t WHERE h.id = 1`,
  );
  const head = { seq: Number(start.head_seq), hash: start.head_hash };
  const problems: AuditProblem[] = [];
  const report = (seq: number, kind: AuditProblemKind, detail: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ seq, kind, detail });
  };
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let anchorSeen = false;
  let last = 0;
  for (;;) {
    const rows = await db.query<EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM audit.entries WHERE seq > $1 AND seq <= $3 ORDER BY seq LIMIT $2`,
      [last, pageSize, head.seq],
    );
    for (const row of rows) {
      const e = toEntry(row);
      checked++;
      if (e.seq !== expectedSeq) {
        report(
          expectedSeq,
          'missing',
          e.seq - expectedSeq === 1
            ? `entry ${expectedSeq} is missing`
            : `entries ${expectedSeq}–${e.seq - 1} are missing`,
        );
      }
      if (payloadHashOf(e.payload) !== e.payloadHash)
        report(e.seq, 'payload_altered', `entry ${e.seq}: the payload does not match its payload hash`);
      if (entryHash(e) !== e.hash)
        report(e.seq, 'entry_altered', `entry ${e.seq}: its fields do not hash to its stored hash (altered or moved)`);
      if (e.prevHash !== prevHash) {
        report(
          e.seq,
          'chain_broken',
          `entry ${e.seq} does not link to the entry before it (that one was removed, altered or reordered)`,
        );
      }
      if (options.anchor && e.seq === options.anchor.seq) {
        anchorSeen = true;
        if (e.hash !== options.anchor.hash)
          report(e.seq, 'anchor_mismatch', `entry ${e.seq} no longer has the published hash ${options.anchor.hash}`);
      }
      prevHash = e.hash;
      expectedSeq = e.seq + 1;
      last = e.seq;
    }
    if (rows.length < pageSize) break;
  }
  // One statement, so one snapshot: rows past the current head were not linked through the triggers.
  const [beyond] = await db.query<{ seq: string | null }>(
    'SELECT min(seq) AS seq FROM audit.entries WHERE seq > (SELECT seq FROM audit.head WHERE id = 1)',
  );
  if (beyond.seq !== null)
    report(Number(beyond.seq), 'beyond_head', `entry ${beyond.seq} lies beyond the head: linked outside the chainer`);
  if (last < head.seq) report(last + 1, 'missing', `entries ${last + 1}–${head.seq} (up to the head) are missing`);
  else if (last === head.seq && prevHash !== head.hash)
    report(head.seq, 'head_mismatch', `the head hash does not match entry ${head.seq}`);
  if (options.anchor && !anchorSeen)
    report(options.anchor.seq, 'anchor_mismatch', `the published entry ${options.anchor.seq} is no longer in the log`);
  problems.sort((a, b) => a.seq - b.seq);
  return { ok: problems.length === 0, checked, head, unchained: toUnchainedTail(start), problems };
}
