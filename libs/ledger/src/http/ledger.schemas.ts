import { z } from 'zod';
import { ASSET_CODE, parseBaseUnits } from '@strongroom/shared-types';
import { pageQuery } from '@strongroom/shared-http';
import type { TransferFlag, TransferInput } from '../ledger.types';
import { FLAG_BITS } from '../transfer-flags';
import { ACCOUNT_KINDS, OWNER } from '../ledger.service';
import { checkMetadata } from '../metadata-check';
import { refusalError } from '../ledger.errors';
import { UUID } from '../transfer-input';

/** Request bodies, validated at the edge with zod; amounts arrive as base-unit decimal strings. */
const flagNames = Object.keys(FLAG_BITS) as [TransferFlag, ...TransferFlag[]];

export const OpenAccountBody = z
  .object({
    clientId: z.string().regex(OWNER, 'a client id: [A-Za-z0-9._:@/-]{1,200}'),
    ownerId: z.string().regex(OWNER, 'an owner id: [A-Za-z0-9._:@/-]{1,200}'),
    asset: z.string().regex(ASSET_CODE, 'an asset code such as BTC'),
    kind: z.enum(ACCOUNT_KINDS as [string, ...string[]]),
    flags: z
      .object({
        debitsMustNotExceedCredits: z.boolean().optional(),
        creditsMustNotExceedDebits: z.boolean().optional(),
        closed: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const amount = z.string().describe('base units as a decimal integer string, e.g. "150000000"');

export const TransferBody = z
  .object({
    id: z.string().describe('client-chosen idempotency id, [A-Za-z0-9._:/-]{1,160}'),
    debitAccountId: z.string().optional(),
    creditAccountId: z.string().optional(),
    amount: amount.optional(),
    flags: z.array(z.enum(flagNames)).optional(),
    pendingId: z.string().optional(),
    timeoutSeconds: z.number().int().optional(),
    code: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export const BatchBody = z.object({ transfers: z.array(TransferBody).min(1) }).strict();

export const ResolveBody = z
  .object({
    id: z.string().describe('id of the new post/void transfer (idempotency id)'),
    amount: amount.optional().describe('for post: base units to post (≤ pending); omitted = all'),
    code: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export const ListAccountsQuery = z
  .object({ clientId: z.string().regex(OWNER), ownerId: z.string().regex(OWNER), ...pageQuery })
  .strict();

/** Where a page of an owner's accounts starts: after this account (oldest first). */
export const AccountCursor = z.object({ after: z.string().regex(UUID) }).strict();

export const BalancesQuery = z
  .object({
    asOfSequence: z
      .string()
      .regex(/^[0-9]{1,19}$/, 'a non-negative integer')
      .optional()
      .meta({ description: 'Balances including every transfer with a sequence up to this one.' }),
    asOf: z.iso
      .datetime({ offset: true })
      .optional()
      .meta({ description: 'Balances including every transfer committed at or before this time (RFC 3339).' }),
  })
  .strict()
  .refine((q) => !(q.asOfSequence && q.asOf), 'give asOfSequence or asOf, not both');

/**
 * Amounts are checked with their own codes (`amount.*`) before the shape, so `"amount": 5` says
 * why rather than `request.invalid`: the check throws its DomainError out of the parse. The
 * document shows the shape only (a preprocess step is transparent to JSON Schema).
 */
export function amountsFirst<S extends z.ZodType>(schema: S, check: (raw: unknown) => void) {
  return z.preprocess((raw) => {
    check(raw);
    return raw;
  }, schema);
}

const amountOf = (raw: unknown): unknown =>
  raw !== null && typeof raw === 'object' ? (raw as { amount?: unknown }).amount : undefined;

export const checkAmount = (raw: unknown): void => {
  const a = amountOf(raw);
  if (a !== undefined) parseBaseUnits(a);
};

/** POST /v1/transfers. */
export const TransferRequest = amountsFirst(TransferBody, checkAmount);

/** POST /v1/transfers/batch: each amount checked with the index it is at. */
export const BatchRequest = amountsFirst(BatchBody, (raw) => {
  const items = raw !== null && typeof raw === 'object' ? (raw as { transfers?: unknown }).transfers : undefined;
  if (!Array.isArray(items)) return;
  items.forEach((t, i) => {
    const a = amountOf(t);
    if (a !== undefined) parseBaseUnits(a, `transfers[${i}].amount`);
  });
});

/** POST /v1/transfers/:id/post and /void. */
export const ResolveRequest = amountsFirst(ResolveBody, checkAmount);

/** A transfer body as the service takes it. Amount errors keep their own codes. */
export function toTransferInput(body: z.infer<typeof TransferBody>, index?: number): TransferInput {
  const where = index === undefined ? 'amount' : `transfers[${index}].amount`;
  checkEdgeMetadata(body.metadata, index);
  return {
    id: body.id,
    debitAccountId: body.debitAccountId ?? '',
    creditAccountId: body.creditAccountId ?? '',
    amount: body.amount === undefined ? undefined : parseBaseUnits(body.amount, where),
    flags: body.flags,
    pendingId: body.pendingId,
    timeoutSeconds: body.timeoutSeconds,
    code: body.code,
    metadata: body.metadata,
  };
}

/** Metadata bounds at the edge: the whole request is refused (400, with the batch index) before anything is read. */
export function checkEdgeMetadata(metadata: unknown, index?: number): void {
  if (metadata === undefined) return;
  const bad = checkMetadata(metadata);
  if (bad)
    throw refusalError(
      bad.code,
      index === undefined ? bad.detail : `transfers[${index}].metadata: ${bad.detail}`,
      index === undefined ? {} : { index },
    );
}
