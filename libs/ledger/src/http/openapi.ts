import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

const amount: SchemaObject = { type: 'string', pattern: '^[0-9]+$', example: '150000000' };
const nullable = (s: SchemaObject): SchemaObject => ({ anyOf: [s, { type: 'null' }] });

export const AccountSchema: SchemaObject = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    clientId: { type: 'string' },
    ownerId: { type: 'string' },
    asset: { type: 'string', example: 'BTC' },
    kind: {
      type: 'string',
      enum: ['user', 'custody', 'in_flight', 'fee_expense', 'fee_revenue', 'incident', 'equity'],
    },
    flags: {
      type: 'object',
      properties: {
        debitsMustNotExceedCredits: { type: 'boolean' },
        creditsMustNotExceedDebits: { type: 'boolean' },
        closed: { type: 'boolean' },
      },
    },
    debitsPending: amount,
    debitsPosted: amount,
    creditsPending: amount,
    creditsPosted: amount,
    createdAt: { type: 'string', format: 'date-time' },
  },
};

export const BalancesSchema: SchemaObject = {
  type: 'object',
  properties: {
    accountId: { type: 'string' },
    sequence: amount,
    debitsPending: amount,
    debitsPosted: amount,
    creditsPending: amount,
    creditsPosted: amount,
  },
};

export const TransferSchema: SchemaObject = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    sequence: amount,
    debitAccountId: { type: 'string', format: 'uuid' },
    creditAccountId: { type: 'string', format: 'uuid' },
    asset: { type: 'string' },
    amount,
    flags: { type: 'array', items: { type: 'string' } },
    pendingId: nullable({ type: 'string' }),
    timeoutAt: nullable({ type: 'string', format: 'date-time' }),
    pendingState: nullable({ type: 'string', enum: ['pending', 'posted', 'voided', 'expired'] }),
    code: nullable({ type: 'string' }),
    metadata: { type: 'object' },
    createdAt: { type: 'string', format: 'date-time' },
  },
};

export const TransferResultSchema: SchemaObject = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    ok: { type: 'boolean' },
    replayed: { type: 'boolean', description: 'true when the id already existed with the same body' },
    transfer: TransferSchema,
    code: { type: 'string', description: 'refusal code when ok is false' },
    detail: { type: 'string' },
  },
};

export const ProblemSchema: SchemaObject = {
  type: 'object',
  description: 'RFC 9457 problem+json',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string' },
    detail: { type: 'string' },
  },
};

export const InvariantSchema: SchemaObject = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    checkedAt: { type: 'string', format: 'date-time' },
    sequence: amount,
    perAsset: { type: 'array', items: { type: 'object' } },
    violations: {
      type: 'array',
      items: {
        type: 'object',
        properties: { accountId: { type: 'string' }, rule: { type: 'string' }, detail: { type: 'string' } },
      },
    },
  },
};
