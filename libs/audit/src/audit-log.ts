import type { Database, Tx } from '@strongroom/persistence';
import { domainError } from '@strongroom/shared-types';
import { toJsonValue } from './canonical-json';
import { payloadHashOf, type AuditEntry, type AuditEntryInput, type UnchainedAuditEntry } from './audit-entry';
import { AT_TEXT, ENTRY_COLUMNS, toEntry, type EntryRow } from './audit-entry-row';
import { AuditErrors } from './audit.errors';
import { verifyChain, type AuditVerification, type AuditVerifyOptions } from './audit-verify';
import { measureUnchained, type UnchainedTail } from './chain/audit-metrics';
import { chainPending } from './chain/chain-round';

export interface AuditListQuery {
  /** First seq to return (inclusive); default 1. */
  fromSeq?: number;
  /** At most this many entries (1–1000, default 100). */
  limit?: number;
  subjectType?: string;
  subjectId?: string;
}

export interface AuditFlushOptions {
  /** Give up (and throw) after this long, in ms (default 10,000). */
  timeoutMs?: number;
}

const FLUSH_BATCH = 1000;

/**
 * The tamper-evident audit log. `append(tx, …)` writes an entry inside the caller's transaction, so
 * a state change and its record commit (or vanish) together; it takes no lock that other writers
 * share. The chainer (`AuditChainer`, run by `AuditModule`) links committed entries into the hash
 * chain a few milliseconds later; `flush()` waits for that. `head()`, `list()` and `verify()` read
 * the chain, that is the linked entries; `unchained()` and `verify()` report the rest.
 */
export class AuditLog {
  constructor(private readonly db: Database) {}

  async append(tx: Tx, input: AuditEntryInput): Promise<UnchainedAuditEntry> {
    checkInput(input);
    const payload = toJsonValue(input.payload ?? {});
    const payloadHash = payloadHashOf(payload);
    const actor = { id: input.actor.id, role: input.actor.role };
    const subject = { type: input.subject.type, id: input.subject.id };
    // The insert trigger sets `at` (database clock) and `xact`; the chainer sets seq and the hashes.
    const [row] = await tx.query<{ id: string; at: string }>(
      `INSERT INTO audit.entries (actor_id, actor_role, action, subject_type, subject_id, payload, payload_hash)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) RETURNING id, ${AT_TEXT} AS at`,
      [actor.id, actor.role, input.action, subject.type, subject.id, JSON.stringify(payload), payloadHash],
    );
    return { id: Number(row.id), at: row.at, actor, action: input.action, subject, payload, payloadHash };
  }

  /** Appends in a transaction of its own (for actions with no other state change). */
  record(input: AuditEntryInput): Promise<UnchainedAuditEntry> {
    return this.db.transaction((tx) => this.append(tx, input));
  }

  /** The last linked entry (seq 0 and the genesis hash before the first). */
  async head(): Promise<{ seq: number; hash: string }> {
    const [row] = await this.db.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit.head WHERE id = 1');
    return { seq: Number(row.seq), hash: row.hash };
  }

  /** Linked entries in chain order; an entry appears here once the chainer has linked it (see `flush`). */
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
      `SELECT ${ENTRY_COLUMNS} FROM audit.entries WHERE ${where} ORDER BY seq LIMIT $2`,
      params,
    );
    return rows.map(toEntry);
  }

  /** Committed entries not yet linked: how many, and the oldest's time and age (database clock). */
  unchained(): Promise<UnchainedTail> {
    return measureUnchained(this.db);
  }

  /**
   * Links what can be linked now (one round of the chainer, up to `limit` entries) and returns how
   * many it linked. Safe beside a running chainer: rounds take turns on the head.
   */
  chainPending(limit = FLUSH_BATCH): Promise<number> {
    return chainPending(this.db, limit);
  }

  /**
   * Waits until every entry committed before the call is linked, linking them itself rather than
   * waiting for the chainer's next round. An entry is linked only once every transaction older
   * than its writer has ended, so a transaction left open elsewhere holds this up: after
   * `timeoutMs` it throws. Call it outside any transaction (inside one it would wait for itself).
   */
  async flush(options: AuditFlushOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const [mark] = await this.db.query<{ id: string | null }>(
      'SELECT max(id)::text AS id FROM audit.entries WHERE seq IS NULL',
    );
    if (mark.id === null) return;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.chainPending();
      const [left] = await this.db.query<{ n: string }>(
        'SELECT count(*)::text AS n FROM audit.entries WHERE seq IS NULL AND id <= $1',
        [mark.id],
      );
      if (left.n === '0') return;
      if (Date.now() >= deadline)
        throw new Error(
          `audit flush: ${left.n} committed entries still unchained after ${timeoutMs} ms ` +
            '(a transaction older than their writers is still open)',
        );
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /**
   * Recomputes the chained prefix and reports the unchained tail (see `verifyChain`). A full
   * rewrite of the chain and its head by a superuser is only caught against a head published
   * earlier: pass it as `anchor`.
   */
  verify(options: AuditVerifyOptions = {}): Promise<AuditVerification> {
    return verifyChain(this.db, options);
  }
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
