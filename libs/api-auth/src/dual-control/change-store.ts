import type { Queryable } from '../queryable';
import type { ChangeRequestView, ChangeStatus } from './change-handler';

export const CHANGE_ID = /^chg_[0-9a-f]{24}$/;

export interface ChangeRow {
  id: string;
  api: string;
  kind: string;
  status: ChangeStatus;
  payload: unknown;
  maker_key_id: string;
  maker_owner: string;
  checker_key_id: string | null;
  checker_owner: string | null;
  result: unknown;
  reason: string | null;
  created_at: Date | string;
  decided_at: Date | string | null;
}

const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();
// jsonb comes back parsed from node-postgres and as text from some drivers.
const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

export function viewOf(r: ChangeRow, result: unknown = json(r.result)): ChangeRequestView {
  return {
    id: r.id,
    api: r.api,
    kind: r.kind,
    status: r.status,
    payload: json(r.payload),
    maker: { keyId: r.maker_key_id, owner: r.maker_owner },
    checker: r.checker_key_id === null ? null : { keyId: r.checker_key_id, owner: r.checker_owner ?? '' },
    result: result ?? null,
    reason: r.reason,
    createdAt: iso(r.created_at),
    decidedAt: r.decided_at === null ? null : iso(r.decided_at),
  };
}

/** JSON text for a jsonb parameter; bigint as a decimal string. */
export const toJsonText = (v: unknown): string =>
  JSON.stringify(v ?? null, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));

export async function readChange(db: Queryable, id: string, lock = false): Promise<ChangeRow | undefined> {
  if (!CHANGE_ID.test(id)) return undefined;
  const [row] = await db.query<ChangeRow>(
    `SELECT * FROM auth.change_requests WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return row;
}

export interface ChangeListQuery {
  status?: ChangeStatus;
  kind?: string;
  limit?: number;
  /** The id of the last change of the previous page. */
  after?: string;
}

/** Newest first; changes are never deleted, so an id is a stable position. */
export async function listChanges(db: Queryable, q: ChangeListQuery): Promise<ChangeRequestView[]> {
  const rows = await db.query<ChangeRow>(
    `SELECT * FROM auth.change_requests
     WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR kind = $2)
       AND ($4::text IS NULL OR (created_at, id) < (SELECT created_at, id FROM auth.change_requests WHERE id = $4))
     ORDER BY created_at DESC, id DESC LIMIT $3`,
    [q.status ?? null, q.kind ?? null, q.limit ?? 100, q.after ?? null],
  );
  return rows.map((r) => viewOf(r));
}

/** Moves a pending change to its decision; false if it was no longer pending. */
export async function decideChange(
  db: Queryable,
  id: string,
  d: {
    status: Exclude<ChangeStatus, 'pending'>;
    checker: { keyId: string; owner: string };
    result?: unknown;
    reason?: string;
  },
): Promise<ChangeRow | undefined> {
  const [row] = await db.query<ChangeRow>(
    `UPDATE auth.change_requests SET status = $2, checker_key_id = $3, checker_owner = $4, result = $5::jsonb, reason = $6, decided_at = now()
     WHERE id = $1 AND status = 'pending' RETURNING *`,
    [
      id,
      d.status,
      d.checker.keyId,
      d.checker.owner,
      d.result === undefined ? null : toJsonText(d.result),
      d.reason ?? null,
    ],
  );
  return row;
}
