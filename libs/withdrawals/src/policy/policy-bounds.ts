import { domainError, type DomainError } from '@strongroom/shared-types';
import { WithdrawalErrors } from '../withdrawals.errors';
import type { Policy } from './policy.types';

/** Amounts are 256-bit at most on every chain we serve; anything at or above 2^256 is a typo or an attack. */
export const AMOUNT_LIMIT = 2n ** 256n;
/** The most approvers a policy may ask for (more distinct people than any deployment has). */
export const MAX_APPROVALS = 10;

type Limits = Pick<
  Policy,
  | 'maxAmount'
  | 'userDailyLimit'
  | 'clientDailyLimit'
  | 'allowlist'
  | 'approvalThreshold'
  | 'approvalsRequired'
  | 'breakerLimit'
  | 'breakerWindowSeconds'
  | 'withdrawalFee'
>;

/** The policy fields that are amounts, in base units of the policy's asset. */
export const POLICY_AMOUNT_FIELDS = [
  'maxAmount',
  'userDailyLimit',
  'clientDailyLimit',
  'approvalThreshold',
  'breakerLimit',
  'withdrawalFee',
] as const;
/** A limit of 0 refuses every withdrawal (an amount is at least one base unit). */
const NEVER_AT_ZERO = ['maxAmount', 'userDailyLimit', 'clientDailyLimit', 'breakerLimit'] as const;

function invalid(reason: string, detail: string, extra: Record<string, unknown> = {}): DomainError {
  return domainError(WithdrawalErrors['policy.invalid'], detail, { reason, ...extra });
}

/** Range checks on the values of one policy row, as an admin sets it. */
export function assertPolicyBounds(p: Limits): void {
  for (const f of POLICY_AMOUNT_FIELDS) {
    const v = p[f];
    if (v !== null && (v < 0n || v >= AMOUNT_LIMIT))
      throw invalid('amount_out_of_range', `${f} must be an integer from 0 to 2^256 − 1 base units`, { field: f });
  }
  if (!Number.isInteger(p.approvalsRequired) || p.approvalsRequired < 0 || p.approvalsRequired > MAX_APPROVALS) {
    throw invalid('approvals_out_of_range', `approvalsRequired must be from 0 to ${MAX_APPROVALS}`, {
      field: 'approvalsRequired',
    });
  }
  if ((p.breakerLimit === null) !== (p.breakerWindowSeconds === null)) {
    throw invalid('breaker_incomplete', 'breakerLimit and breakerWindowSeconds go together', { field: 'breakerLimit' });
  }
}

/**
 * Refuses a policy that could never let any withdrawal through: it would be discovered one
 * refused request at a time instead of when it is set. Checked on the EFFECTIVE policy (a
 * client override overlaid on the asset default), since that is what requests meet.
 */
export function assertPolicyCanPass(p: Limits): void {
  for (const f of NEVER_AT_ZERO) {
    if (p[f] === 0n)
      throw invalid('never_passes', `${f} = 0 refuses every withdrawal; to stop withdrawals, pause the asset instead`, {
        field: f,
      });
  }
  if (p.allowlist !== null && p.allowlist.length === 0)
    throw invalid('never_passes', 'an empty allowlist refuses every destination', { field: 'allowlist' });
  // The fee is charged on top of the amount and the hold covers both: it must stay below the largest withdrawal.
  const ceiling = p.maxAmount ?? AMOUNT_LIMIT - 1n;
  if (p.withdrawalFee >= ceiling)
    throw invalid('fee_not_below_max', `withdrawalFee must be below the maximum amount (${ceiling} base units)`, {
      field: 'withdrawalFee',
    });
}
