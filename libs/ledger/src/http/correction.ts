import { z } from 'zod';
import { safeLabel } from '@strongroom/api-auth';
import type { Tx } from '@strongroom/persistence';
import { AmountErrors, ASSET_CODE, domainError, isDomainError, parseBaseUnits } from '@strongroom/shared-types';
import { parseWith } from '@strongroom/shared-http';
import { refusalError, LedgerErrors } from '../ledger.errors';
import { LedgerService, OWNER } from '../ledger.service';
import type { Account, AccountKind, Transfer } from '../ledger.types';
import { UUID } from '../transfer-input';
import { amountsFirst, checkAmount } from './ledger.schemas';

/** What proposing a correction refuses: the amount, the reason, and the sides the approval would refuse. */
export const CORRECTION_PROPOSAL_ERRORS = [
  AmountErrors['amount.malformed'],
  AmountErrors['amount.base_units_expected'],
  AmountErrors['amount.not_positive'],
  AmountErrors['amount.too_large'],
  LedgerErrors['correction.invalid'],
  LedgerErrors['correction.sides_invalid'],
  LedgerErrors['correction.account_not_found'],
  LedgerErrors['correction.asset_mismatch'],
];

/** What approving one may refuse with besides: the ledger's refusal of the transfer it books. */
export const CORRECTION_CHANGE_ERRORS = [
  ...CORRECTION_PROPOSAL_ERRORS,
  LedgerErrors['account.closed'],
  LedgerErrors['account.debits_exceed_credits'],
  LedgerErrors['account.credits_exceed_debits'],
  LedgerErrors['transfer.asset_mismatch'],
  LedgerErrors['transfer.overflow'],
];

/** The dual-control kind of a manual ledger correction. */
export const CORRECTION_KIND = 'ledger.correction';
/** The sides a correction takes value from or gives it to: operator adjustment accounts. */
export const ADJUSTMENT_KINDS = [
  'equity',
  'incident',
  'fee_expense',
  'fee_revenue',
] as const satisfies readonly AccountKind[];
/** The balances a correction exists to fix. `in_flight` is never touched: it belongs to withdrawals being paid. */
export const CORRECTED_KINDS = ['user', 'custody'] as const satisfies readonly AccountKind[];

const side = z.union([
  z.object({ accountId: z.string().regex(UUID, 'an account id (uuid)') }).strict(),
  z
    .object({
      kind: z.enum(ADJUSTMENT_KINDS),
      clientId: z.string().regex(OWNER, 'a client id, `operator` for house accounts'),
      ownerId: z.string().regex(OWNER, 'an owner id, e.g. `corrections`'),
    })
    .strict(),
]);

export const CorrectionBody = z
  .object({
    asset: z.string().regex(ASSET_CODE, 'an asset code such as BTC'),
    amount: z.string().describe('base units as a decimal integer string'),
    debit: side.describe(
      'the account debited: { accountId } or an adjustment account { kind, clientId, ownerId } (opened when approved if missing)',
    ),
    credit: side.describe('the account credited, the same two forms'),
    reason: z.string().describe('why, for the audit log (1 to 500 characters, printable)'),
  })
  .strict();

/** POST /v1/corrections: the amount checked first with its own codes, as in transfers. */
export const CorrectionRequest = amountsFirst(CorrectionBody, checkAmount);

type Side = z.infer<typeof side>;

export interface Correction {
  asset: string;
  amount: bigint;
  debit: Side;
  credit: Side;
  reason: string;
}

/** Validates a proposed correction (400 `request.invalid`, `amount.*`, `correction.invalid`); pure, run at propose and approve. */
export function parseCorrection(payload: unknown): Correction {
  const amountRaw = (payload as { amount?: unknown } | null)?.amount;
  if (amountRaw !== undefined) parseBaseUnits(amountRaw);
  const b = parseWith(CorrectionBody, payload);
  const amount = parseBaseUnits(b.amount);
  if (amount <= 0n) throw domainError(AmountErrors['amount.not_positive'], 'amount must be greater than zero');
  const reason = safeLabel(b.reason, LedgerErrors['correction.invalid'], 'reason', 500);
  return { asset: b.asset, amount, debit: b.debit, credit: b.credit, reason };
}

/** The transfer id of an approved change: a retried execution finds it and has no second effect. */
export const correctionTransferId = (changeId: string) => `correction:${changeId.replace(/[^A-Za-z0-9.:/-]/g, '-')}`;

/**
 * Resolves both sides and checks the pairing: one side an adjustment account (equity, incident,
 * fee), the other the user or custody balance being corrected, both in the correction's asset.
 * With `tx`, a missing adjustment account is opened (in that transaction); without, it is only
 * looked up (propose time) and may be missing.
 */
export async function resolveCorrection(
  ledger: LedgerService,
  c: Correction,
  tx?: Tx,
): Promise<{ debit: Account | null; credit: Account | null }> {
  const debit = await resolveSide(ledger, c, c.debit, 'debit', tx);
  const credit = await resolveSide(ledger, c, c.credit, 'credit', tx);
  const kindOf = (s: Side, a: Account | null) => ('accountId' in s ? (a as Account).kind : s.kind);
  const kinds = [kindOf(c.debit, debit), kindOf(c.credit, credit)];
  const isAdjustment = (k: AccountKind) => (ADJUSTMENT_KINDS as readonly string[]).includes(k);
  const isCorrected = (k: AccountKind) => (CORRECTED_KINDS as readonly string[]).includes(k);
  if (!((isAdjustment(kinds[0]) && isCorrected(kinds[1])) || (isCorrected(kinds[0]) && isAdjustment(kinds[1])))) {
    throw domainError(
      LedgerErrors['correction.sides_invalid'],
      `a correction moves value between an adjustment account (${ADJUSTMENT_KINDS.join(', ')}) and a ${CORRECTED_KINDS.join(' or ')} account; got ${kinds.join(' → ')}`,
    );
  }
  return { debit, credit };
}

async function resolveSide(
  ledger: LedgerService,
  c: Correction,
  s: Side,
  which: string,
  tx?: Tx,
): Promise<Account | null> {
  if ('accountId' in s) {
    const a = await ledger.getAccount(s.accountId, tx).catch((err: unknown) => {
      if (isDomainError(err, LedgerErrors['account.not_found']))
        throw domainError(LedgerErrors['correction.account_not_found'], `the ${which} account does not exist`, {
          accountId: s.accountId,
        });
      throw err;
    });
    if (a.asset !== c.asset)
      throw domainError(
        LedgerErrors['correction.asset_mismatch'],
        `the ${which} account is in ${a.asset}, the correction in ${c.asset}`,
      );
    return a;
  }
  const key = { clientId: s.clientId, ownerId: s.ownerId, asset: c.asset, kind: s.kind };
  return tx ? ledger.openAccount(key, tx) : ledger.findAccount(key);
}

/** Executes an approved correction in the approval's transaction; the ledger's refusal (funds, flags, closed) fails the change. */
export async function executeCorrection(
  ledger: LedgerService,
  tx: Tx,
  c: Correction,
  ctx: { changeId: string; maker: { keyId: string; owner: string }; checker: { keyId: string; owner: string } },
): Promise<Transfer> {
  const { debit, credit } = await resolveCorrection(ledger, c, tx);
  const [r] = await ledger.createTransfers(
    [
      {
        id: correctionTransferId(ctx.changeId),
        debitAccountId: (debit as Account).id,
        creditAccountId: (credit as Account).id,
        amount: c.amount,
        code: 'correction',
        metadata: {
          changeId: ctx.changeId,
          reason: c.reason,
          maker: { keyId: ctx.maker.keyId, owner: ctx.maker.owner },
          checker: { keyId: ctx.checker.keyId, owner: ctx.checker.owner },
        },
      },
    ],
    tx,
  );
  if (!r.ok) throw refusalError(r.code, r.detail, { transferId: r.id });
  return r.transfer;
}
