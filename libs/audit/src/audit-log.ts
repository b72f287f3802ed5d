import type { Database, Tx } from '@strongroom/persistence';
import { domainError } from '@strongroom/shared-types';
import { toJsonValue, type JsonValue } from './canonical-json';
import { GENESIS_HASH, entryHash, payloadHashOf, type AuditEntry, type AuditEntryInput } from './audit-entry';
import { AuditErrors } from './audit.errors';

export interface AuditListQuery {
  /** First seq to return (inclusive); default 1. */
  fromSeq?: number;
  /** At most this many entries (1–1000, default 100). */
  limit?: number;
  subjectType?: string;
  subjectId?: string;
}

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
  ok: boolean;
  /** Entries read and checked. */
  checked: number;
  head: { seq: number; hash: string };
  /** The first problems found, in seq order (at most 100). */
  problems: AuditProblem[];
}

export interface AuditVerifyOptions {
  /** A head published earlier (e.g. in a report or to an auditor): it must still be in the chain. */
  anchor?: { seq: number; hash: string };
  pageSize?: number;
}

interface EntryRow {
  seq: string;
  at: string;
  actor_id: string;
  actor_role: string;
  action: string;
  subject_type: string;
  subject_id: string;
  payload: JsonValue;
  payload_hash: string;
  prev_hash: string;
  hash: string;
}

const ISO_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const COLUMNS = `seq, to_char(at AT TIME ZONE 'UTC', ${ISO_MS}) AS at, actor_id, actor_role, action, subject_type, subject_id, payload, payload_hash, prev_hash, hash`;
const MAX_PROBLEMS = 100;

/**
 * The tamper-evident audit log. `append(tx, …)` writes inside the caller's transaction, so a
 * state change and its record commit (or vanish) together; the head row lock makes concurrent
 * appenders one chain, in commit order. Append last in a transaction: the lock is held until it
 * commits. Under REPEATABLE READ or SERIALIZABLE, contention on the head surfaces as a
 * serialization failure (40001) that the caller retries like any other.
 */
export class AuditLog {
  constructor(private readonly db: Database) {}

  async append(tx: Tx, input: AuditEntryInput): Promise<AuditEntry> {
    checkInput(input);
    const payload = toJsonValue(input.payload ?? {});
    const payloadHash = payloadHashOf(payload);
    const [head] = await tx.query<{ seq: string; hash: string; at: string }>(
      `SELECT seq, hash, to_char(clock_timestamp() AT TIME ZONE 'UTC', ${ISO_MS}) AS at FROM audit.head WHERE id = 1 FOR UPDATE`,
    );
    const base = {
      seq: Number(head.seq) + 1,
      at: head.at,
      actor: { id: input.actor.id, role: input.actor.role },
      action: input.action,
      subject: { type: input.subject.type, id: input.subject.id },
      payloadHash,
      prevHash: head.hash,
    };
    const hash = entryHash(base);
    await tx.query(
      `INSERT INTO audit.entries (seq, at, actor_id, actor_role, action, subject_type, subject_id, payload, payload_hash, prev_hash, hash)
       VALUES ($1, $2::timestamptz, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11)`,
      [
        base.seq,
        base.at,
        base.actor.id,
        base.actor.role,
        base.action,
        base.subject.type,
        base.subject.id,
        JSON.stringify(payload),
        payloadHash,
        base.prevHash,
        hash,
      ],
    );
    return { ...base, payload, hash };
  }

  /** Appends in a transaction of its own (for actions with no other state change). */
  record(input: AuditEntryInput): Promise<AuditEntry> {
    return this.db.transaction((tx) => this.append(tx, input));
  }

  async head(): Promise<{ seq: number; hash: string }> {
    const [row] = await this.db.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit.head WHERE id = 1');
    return { seq: Number(row.seq), hash: row.hash };
  }

  async list(query: AuditListQuery = {}): Promise<AuditEntry[]> {
    const fromSeq = query.fromSeq ?? 1;
    const limit = query.limit ?? 100;
    if (!Number.isSafeInteger(fromSeq) || fromSeq < 1)
      throw domainError(AuditErrors['audit.bad_from_seq'], 'fromSeq must be a positive integer');
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000)
      throw domainError(AuditErrors['audit.bad_limit'], 'limit must be an integer from 1 to 1000');
    if (query.subjectId !== undefined && query.subjectType === undefined) {
      throw domainError(AuditErrors['audit.bad_subject'], 'subjectId needs subjectType');
    }
    const params: unknown[] = [fromSeq, limit];
    let where = 'seq >= $1';
    if (query.subjectType !== undefined) {
      params.push(query.subjectType);
      where += ` AND subject_type = $${params.length}`;
    }
    if (query.subjectId !== undefined) {
      params.push(query.subjectId);
      where += ` AND subject_id = $${params.length}`;
    }
    const rows = await this.db.query<EntryRow>(
      `SELECT ${COLUMNS} FROM audit.entries WHERE ${where} ORDER BY seq LIMIT $2`,
      params,
    );
    return rows.map(toEntry);
  }

  /**
   * Recomputes the whole chain: every payload hash, every entry hash and every link, seq by seq.
   * Reports each problem at the seq where it is seen (an edit, a removal or a reordering shows at
   * the entry concerned and breaks the link of the next one). A full rewrite of the chain and its
   * head by a superuser is only caught against a head published earlier: pass it as `anchor`.
   */
  async verify(options: AuditVerifyOptions = {}): Promise<AuditVerification> {
    const pageSize = options.pageSize ?? 1000;
    const head = await this.head();
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
      // Up to the head read above: entries appended while verifying are not part of this check.
      const rows = await this.db.query<EntryRow>(
        `SELECT ${COLUMNS} FROM audit.entries WHERE seq > $1 AND seq <= $3 ORDER BY seq LIMIT $2`,
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
          report(
            e.seq,
            'entry_altered',
            `entry ${e.seq}: its fields do not hash to its stored hash (altered or moved)`,
          );
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
    // One statement, so one snapshot: rows past the current head were not appended through the trigger.
    const [beyond] = await this.db.query<{ seq: string | null }>(
      'SELECT min(seq) AS seq FROM audit.entries WHERE seq > (SELECT seq FROM audit.head WHERE id = 1)',
    );
    if (beyond.seq !== null)
      report(
        Number(beyond.seq),
        'beyond_head',
        `entry ${beyond.seq} lies beyond the head: inserted outside the append path`,
      );
    if (last < head.seq) report(last + 1, 'missing', `entries ${last + 1}–${head.seq} (up to the head) are missing`);
    else if (last === head.seq && prevHash !== head.hash)
      report(head.seq, 'head_mismatch', `the head hash does not match entry ${head.seq}`);
    if (options.anchor && !anchorSeen)
      report(
        options.anchor.seq,
        'anchor_mismatch',
        `the published entry ${options.anchor.seq} is no longer in the log`,
      );
    problems.sort((a, b) => a.seq - b.seq);
    return { ok: problems.length === 0, checked, head, problems };
  }
}

function toEntry(row: EntryRow): AuditEntry {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: { id: row.actor_id, role: row.actor_role },
    action: row.action,
    subject: { type: row.subject_type, id: row.subject_id },
    payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as JsonValue) : row.payload,
    payloadHash: row.payload_hash,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function checkInput(input: AuditEntryInput): void {
  const fields: [string, unknown][] = [
    ['actor.id', input.actor?.id],
    ['actor.role', input.actor?.role],
    ['action', input.action],
    ['subject.type', input.subject?.type],
    ['subject.id', input.subject?.id],
  ];
  for (const [name, v] of fields) {
    if (typeof v !== 'string' || v.length === 0)
      throw domainError(AuditErrors['audit.bad_entry'], `${name} must be a non-empty string`);
  }
}
