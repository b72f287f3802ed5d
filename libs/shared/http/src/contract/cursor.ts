import { z } from 'zod';
import { domainError } from '@strongroom/shared-types';
import { HttpErrors } from '../http.errors';

/**
 * Cursors are opaque to callers: base64url of the JSON position the next page starts after. The
 * server decodes them with the list's own schema, so a forged or stale cursor is a 400, never a 500.
 */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor<S extends z.ZodType>(schema: S, cursor: string): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw domainError(HttpErrors['request.invalid_cursor'], 'cursor is not one this list returned');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw domainError(HttpErrors['request.invalid_cursor'], 'cursor is not one this list returned');
  return parsed.data;
}

const INT8_MAX = 2n ** 63n - 1n;

/**
 * A cursor position that is a PostgreSQL int8 in decimal (a `seq` or `bigserial` id): bounded here,
 * so the query's `::bigint` comparison can never fail with a 5xx on a forged cursor.
 */
export const Int8Position = z
  .string()
  .regex(/^[0-9]{1,19}$/)
  .refine((s) => BigInt(s) <= INT8_MAX, 'beyond int8');

/** The page of `rows` fetched with `limit + 1`: at most `limit` items and the cursor after the last. */
export function pageOf<T>(
  rows: T[],
  limit: number,
  position: (last: T) => unknown,
): { data: T[]; nextCursor: string | null } {
  const data = rows.slice(0, limit);
  return { data, nextCursor: rows.length > limit ? encodeCursor(position(data[data.length - 1])) : null };
}
