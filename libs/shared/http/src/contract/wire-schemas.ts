import { z } from 'zod';

/**
 * Schemas of values as they travel in JSON, shared by every API document. A `meta({id})` schema
 * becomes a named component (`#/components/schemas/<id>`), which generated clients turn into types.
 */
export const BaseUnits = z
  .string()
  .regex(/^(0|[1-9][0-9]*)$/)
  .meta({
    id: 'BaseUnits',
    description: 'An amount in base units of its asset (satoshi, wei, token units) as a decimal string.',
    example: '150000000',
  });

export const SignedBaseUnits = z
  .string()
  .regex(/^-?(0|[1-9][0-9]*)$/)
  .meta({ id: 'SignedBaseUnits', description: 'A signed amount in base units as a decimal string.', example: '-2500' });

export const Timestamp = z.iso
  .datetime({ offset: false })
  .meta({ id: 'Timestamp', description: 'RFC 3339 UTC time.', example: '2026-12-03T10:15:30.000Z' });

export const AssetCode = z
  .string()
  .meta({ id: 'AssetCode', description: 'Asset code (BTC, ETH, USDC…).', example: 'BTC' });

/** How an amount reads to a person, in asset units (`"1.5"`): for display only, never an input. */
export const Display = z.record(z.string(), z.string()).meta({
  id: 'Display',
  description: 'The amounts beside it in asset units, for people to read. Never accepted as input.',
});

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    requestId: z.string(),
    instance: z.string(),
  })
  .catchall(z.unknown())
  .meta({
    id: 'Problem',
    description:
      'RFC 9457 problem+json. `code` is stable (the catalogue in docs/error-codes.md); `requestId` is the X-Request-Id of the answer and `instance` the same id as `urn:strongroom:request:<id>`.',
  });

/** One page of a list: items in the list's documented order, and the cursor of the next page. */
export function page<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last.' }),
  });
}

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 500;

/** The `limit` and `cursor` query parameters of every list. */
export const pageQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_LIMIT)
    .default(DEFAULT_PAGE_LIMIT)
    .meta({ description: `Items per page, 1–${MAX_PAGE_LIMIT} (default ${DEFAULT_PAGE_LIMIT}).` }),
  cursor: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page; absent for the first page.' }),
};

/** The body of a write that takes none: nothing, or `{}`; any field is refused. */
export const NoBody = z.object({}).strict().optional().meta({ description: 'No fields: send no body or `{}`.' });
