import { domainError } from '@strongroom/shared-types';
import { HttpErrors } from '@strongroom/shared-http';

/**
 * Newest-first keyset pages over a `seq` column: the page size (1–500, default 50), the sequence to
 * read below (from an opaque cursor this API returned) and, from the rows read (one more than the
 * page), the page and the next cursor (null on the last page).
 */
export function seqPage(q: { limit?: number; cursor?: string }): {
  limit: number;
  before: string | null;
  cut<R extends { seq: string | number }>(rows: R[]): { page: R[]; nextCursor: string | null };
} {
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
  let before: string | null = null;
  if (q.cursor) {
    const decoded = Buffer.from(q.cursor, 'base64url').toString('utf8');
    if (!/^[0-9]{1,19}$/.test(decoded))
      throw domainError(HttpErrors['request.invalid_cursor'], 'the cursor is not one this API returned');
    before = decoded;
  }
  return {
    limit,
    before,
    cut(rows) {
      const page = rows.slice(0, limit);
      return {
        page,
        nextCursor: rows.length > limit ? Buffer.from(String(page[page.length - 1].seq)).toString('base64url') : null,
      };
    },
  };
}
