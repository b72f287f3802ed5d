import { z } from 'zod';
import { AssetCode, BaseUnits, Timestamp } from '@strongroom/shared-http';
import { ACCOUNT_KINDS } from '../ledger.service';
import type { TransferFlag } from '../ledger.types';
import { FLAG_BITS } from '../transfer-flags';

/**
 * The ledger's answers as they travel in JSON (what `ledger.views.ts` produces). Amounts and
 * sequences are decimal strings: a JSON number holds neither a uint256 nor even 2^53.
 */
export const LedgerSequence = z
  .string()
  .regex(/^(0|[1-9][0-9]*)$/)
  .meta({
    id: 'LedgerSequence',
    description: 'A ledger sequence (gap-free, in commit order) as a decimal string.',
    example: '1024',
  });

const AccountKind = z.enum(ACCOUNT_KINDS as [string, ...string[]]).meta({ id: 'AccountKind' });
const TransferFlagName = z
  .enum(Object.keys(FLAG_BITS) as [TransferFlag, ...TransferFlag[]])
  .meta({ id: 'TransferFlag' });

const balanceFields = {
  debitsPending: BaseUnits,
  debitsPosted: BaseUnits,
  creditsPending: BaseUnits,
  creditsPosted: BaseUnits,
};

export const AccountWire = z
  .object({
    id: z.string().meta({ description: 'The account id (uuid).' }),
    clientId: z.string(),
    ownerId: z.string(),
    asset: AssetCode,
    kind: AccountKind,
    flags: z.object({
      debitsMustNotExceedCredits: z.boolean(),
      creditsMustNotExceedDebits: z.boolean(),
      closed: z.boolean(),
    }),
    ...balanceFields,
    createdAt: Timestamp,
  })
  .meta({ id: 'Account' });

export const AccountBalancesWire = z
  .object({
    accountId: z.string(),
    sequence: LedgerSequence.meta({ description: 'The sequence the balances are as of.' }),
    ...balanceFields,
  })
  .meta({ id: 'AccountBalances' });

export const TransferWire = z
  .object({
    id: z.string(),
    sequence: LedgerSequence,
    debitAccountId: z.string(),
    creditAccountId: z.string(),
    asset: AssetCode,
    amount: BaseUnits,
    flags: z.array(TransferFlagName),
    pendingId: z.string().nullable(),
    timeoutAt: Timestamp.nullable(),
    pendingState: z
      .enum(['pending', 'posted', 'voided', 'expired'])
      .nullable()
      .meta({ description: 'For a pending transfer, its current state; null for the others.' }),
    code: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    createdAt: Timestamp,
  })
  .meta({ id: 'Transfer' });

/** A committed transfer: created now, or the original answered again for the same id and body. */
export const TransferCommittedWire = z
  .object({
    id: z.string(),
    ok: z.literal(true),
    replayed: z.boolean().meta({ description: 'true when the id already existed with the same body' }),
    transfer: TransferWire,
  })
  .meta({ id: 'TransferCommitted' });

const TransferRefusedWire = z
  .object({
    id: z.string(),
    ok: z.literal(false),
    code: z.string().meta({ description: 'The refusal code (a ledger or amount catalogue entry).' }),
    detail: z.string(),
  })
  .meta({ id: 'TransferRefused' });

export const BatchResultsWire = z
  .object({
    results: z
      .array(z.discriminatedUnion('ok', [TransferCommittedWire, TransferRefusedWire]))
      .meta({ description: 'One result per transfer of the request, in its order.' }),
  })
  .meta({ id: 'TransferBatchResults' });

export const InvariantReportWire = z
  .object({
    ok: z.boolean(),
    checkedAt: Timestamp,
    sequence: LedgerSequence.meta({ description: 'The highest sequence included in the check.' }),
    perAsset: z.array(
      z.object({
        asset: AssetCode,
        balanced: z.boolean(),
        debitsPending: BaseUnits,
        creditsPending: BaseUnits,
        debitsPosted: BaseUnits,
        creditsPosted: BaseUnits,
      }),
    ),
    violations: z.array(z.object({ accountId: z.string(), rule: z.string(), detail: z.string() })),
  })
  .meta({ id: 'InvariantReport' });

export type AccountJson = z.infer<typeof AccountWire>;
export type AccountBalancesJson = z.infer<typeof AccountBalancesWire>;
export type TransferJson = z.infer<typeof TransferWire>;
export type InvariantReportJson = z.infer<typeof InvariantReportWire>;
