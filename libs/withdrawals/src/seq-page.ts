import { decodeCursor, DEFAULT_PAGE_LIMIT, Int8Position, MAX_PAGE_LIMIT, pageOf } from '@strongroom/shared-http';

/** The position a seq cursor carries: a decimal int8, so the query's `::bigint` cast can never fail (a 5xx). */
const SeqPosition = Int8Position;

export interface SeqPage {
  /** The page size, 1–500 (default 100). */
  limit: number;
  /** The seq the page continues after in the list's order (below it newest first, above it oldest first); null on the first page. */
  after: string | null;
  /** The page of the rows read (`limit + 1` of them) and the cursor after its last row (null on the last page). */
  cut<R>(rows: R[], seqOf: (row: R) => string | number): { data: R[]; nextCursor: string | null };
}

/**
 * Keyset pages over a bigint sequence column (`seq`, or a bigserial id): the caller's SQL reads
 * `limit + 1` rows past `after` in its own order. Cursors are the shared opaque ones of every list
 * (`encodeCursor`); one this API did not return is 400 `request.invalid_cursor`.
 */
/** A list's page size: the caller's within 1–500, else the default 100 (callers in process pass any number). */
export const pageLimit = (limit: number | undefined): number =>
  Math.min(Math.max(limit ?? DEFAULT_PAGE_LIMIT, 1), MAX_PAGE_LIMIT);

export function seqPage(q: { limit?: number; cursor?: string }): SeqPage {
  const limit = pageLimit(q.limit);
  const after = q.cursor === undefined ? null : decodeCursor(SeqPosition, q.cursor);
  return {
    limit,
    after,
    cut: (rows, seqOf) => pageOf(rows, limit, (last) => String(seqOf(last))),
  };
}
