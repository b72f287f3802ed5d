import type { JsonValue } from './canonical-json';
import type { AuditEntry } from './audit-entry';

/** A row of `audit.entries` as the queries below select it (bigints as text, `at` as hashed). */
export interface EntryRow {
  id: string;
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

/** A timestamptz as `at` is hashed: ISO 8601, UTC, milliseconds. */
export function utcMillis(expr: string): string {
  return `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

export const AT_TEXT = utcMillis('at');

export const ENTRY_COLUMNS = `id, seq, ${AT_TEXT} AS at, actor_id, actor_role, action, subject_type, subject_id, payload, payload_hash, prev_hash, hash`;

export function toEntry(row: EntryRow): AuditEntry {
  return {
    id: Number(row.id),
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
