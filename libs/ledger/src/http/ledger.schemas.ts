import { z } from 'zod';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ASSET_CODE, domainError, parseBaseUnits } from '@strongroom/shared-types';
import { parseWith, HttpErrors } from '@strongroom/shared-http';
import type { TransferFlag, TransferInput } from '../ledger.types';
import { FLAG_BITS } from '../transfer-flags';
import { ACCOUNT_KINDS, OWNER } from '../ledger.service';
import { checkMetadata } from '../metadata-check';
import { refusalError } from '../ledger.errors';

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
  .object({ clientId: z.string().regex(OWNER), ownerId: z.string().regex(OWNER) })
  .strict();

export const BalancesQuery = z
  .object({
    asOfSequence: z
      .string()
      .regex(/^[0-9]{1,19}$/, 'a non-negative integer')
      .optional(),
    asOf: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((q) => !(q.asOfSequence && q.asOf), 'give asOfSequence or asOf, not both');

/** The OpenAPI schema of a zod schema (what the docs show is what the edge enforces). */
export function openApi(schema: z.ZodType): SchemaObject {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, { unrepresentable: 'any' }) as Record<string, unknown>;
  return rest as SchemaObject;
}

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

export function parseTransferBody(raw: unknown): TransferInput {
  if (raw === undefined || raw === null || typeof raw !== 'object')
    throw domainError(HttpErrors['request.invalid'], 'the body must be a JSON object');
  // Amounts are checked with their own codes before the shape, so `"amount": 5` says why.
  const amountRaw = (raw as { amount?: unknown }).amount;
  if (amountRaw !== undefined) parseBaseUnits(amountRaw);
  return toTransferInput(parseWith(TransferBody, raw));
}

export function parseBatchBody(raw: unknown): TransferInput[] {
  const items = (raw as { transfers?: unknown } | null)?.transfers;
  if (Array.isArray(items)) {
    items.forEach((t, i) => {
      const a = (t as { amount?: unknown } | null)?.amount;
      if (a !== undefined) parseBaseUnits(a, `transfers[${i}].amount`);
    });
  }
  return parseWith(BatchBody, raw).transfers.map((t, i) => toTransferInput(t, i));
}
