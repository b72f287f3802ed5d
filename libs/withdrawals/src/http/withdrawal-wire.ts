import { z } from 'zod';
import { AssetCode, BaseUnits, Timestamp } from '@strongroom/shared-http';
import { WITHDRAWAL_STATUSES } from '../withdrawal.types';

/** A withdrawal as the API answers it (the JSON form of `Withdrawal`). */
const Status = z.enum(WITHDRAWAL_STATUSES as [string, ...string[]]).meta({ id: 'WithdrawalStatus' });

export const WithdrawalWire = z
  .object({
    id: z.string(),
    clientId: z.string(),
    userId: z.string(),
    asset: AssetCode,
    chain: z.string(),
    amount: BaseUnits,
    fee: BaseUnits.meta({ description: 'The withdrawal fee the policy charged, on top of `amount`.' }),
    display: z
      .object({ amount: z.string(), fee: z.string() })
      .meta({ description: 'The amounts in asset units with the code ("0.4 BTC"), for people only; never input.' }),
    destination: z.string(),
    memo: z.string().nullable(),
    reference: z.string().nullable(),
    status: Status,
    approvalsRequired: z.number().int(),
    approvals: z.array(
      z.object({
        approver: z.string(),
        approverOwner: z.string(),
        decision: z.enum(['approve', 'reject']),
        reason: z.string().nullable(),
        at: Timestamp,
      }),
    ),
    rule: z.string().nullable(),
    reason: z.string().nullable(),
    batchId: z.string().nullable(),
    txid: z.string().nullable(),
    requestedBy: z.string(),
    requesterOwner: z.string(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    history: z
      .array(
        z.object({
          from: Status.nullable(),
          to: Status,
          actor: z.string(),
          rule: z.string().nullable(),
          at: Timestamp,
        }),
      )
      .optional()
      .meta({ description: 'Every state change, oldest first (on the single-withdrawal read).' }),
  })
  .meta({ id: 'Withdrawal' });
