import type { Database, Tx } from '@strongroom/persistence';
import { entryHash } from '../audit-entry';
import { AT_TEXT } from '../audit-entry-row';
import { auditChained } from './audit-metrics';

/** What a round needs of a transaction: statements and their rows. */
export type ChainTx = Pick<Tx, 'query'>;

/**
 * The entries a round may link: unchained, written by a transaction older than every one still
 * in progress (the snapshot's xmin). Such a transaction has committed (its entry is visible) or
 * rolled back (never will be), so no entry can still turn up that sorts before the ones linked:
 * the chain is the log in (transaction id, id) order, cut only where the oldest open
 * transaction stands. On PGlite (one session) nothing else is in progress during a round.
 */
const ELIGIBLE = `seq IS NULL AND xact < pg_snapshot_xmin(pg_current_snapshot())`;

/** Lock-free and cheap: whether a round would link anything (no transaction id, no row lock). */
export const PENDING_SQL = `SELECT EXISTS (SELECT 1 FROM audit.entries WHERE ${ELIGIBLE}) AS pending`;

interface UnchainedRow {
  id: string;
  at: string;
  actor_id: string;
  actor_role: string;
  action: string;
  subject_type: string;
  subject_id: string;
  payload_hash: string;
}

/**
 * One round of the chainer inside the caller's transaction (READ COMMITTED): lock the head (only
 * chainers take it, so writers never wait on it), read the eligible entries with a snapshot taken
 * after the lock, hash them onto the head and link them in one statement. The triggers check that
 * the statement continues the head without a gap and move it. Returns how many were linked; all of
 * it commits or none does, so a chainer that dies mid-round leaves the chain where it was.
 */
export async function chainRound(tx: ChainTx, limit: number): Promise<number> {
  const [head] = await tx.query<{ seq: string; hash: string }>(
    'SELECT seq, hash FROM audit.head WHERE id = 1 FOR UPDATE',
  );
  const rows = await tx.query<UnchainedRow>(
    `SELECT id, ${AT_TEXT} AS at, actor_id, actor_role, action, subject_type, subject_id, payload_hash
       FROM audit.entries WHERE ${ELIGIBLE} ORDER BY xact, id LIMIT $1`,
    [limit],
  );
  if (rows.length === 0) return 0;
  let seq = Number(head.seq);
  let prevHash = head.hash;
  const ids: string[] = [];
  const seqs: number[] = [];
  const prevs: string[] = [];
  const hashes: string[] = [];
  for (const r of rows) {
    seq++;
    const hash = entryHash({
      seq,
      at: r.at,
      actor: { id: r.actor_id, role: r.actor_role },
      action: r.action,
      subject: { type: r.subject_type, id: r.subject_id },
      payloadHash: r.payload_hash,
      prevHash,
    });
    ids.push(r.id);
    seqs.push(seq);
    prevs.push(prevHash);
    hashes.push(hash);
    prevHash = hash;
  }
  const linked = await tx.query<{ id: string }>(
    `UPDATE audit.entries e SET seq = l.seq, prev_hash = l.prev_hash, hash = l.hash
       FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS l(id, seq, prev_hash, hash)
      WHERE e.id = l.id AND e.seq IS NULL
     RETURNING e.id`,
    [ids, seqs, prevs, hashes],
  );
  if (linked.length !== rows.length)
    throw new Error(`audit chainer: linked ${linked.length} of ${rows.length} entries; the round is rolled back`);
  return rows.length;
}

/** A round in a transaction of its own, skipped without one when nothing is eligible. */
export async function chainPending(db: Database, limit: number): Promise<number> {
  const [probe] = await db.query<{ pending: boolean }>(PENDING_SQL);
  if (!probe.pending) return 0;
  const n = await db.transaction((tx) => chainRound(tx, limit));
  auditChained.inc(n);
  return n;
}
