import { AssetCode, BaseUnits, Timestamp, type WebhookContract } from '@strongroom/shared-http';
import { z } from 'zod';

// The JSON every webhook delivers, per event type: what receivers may rely on. The emitting
// contexts (deposits, withdrawals) write these payloads; this library is below them, so it holds
// the catalogue they and the OpenAPI `webhooks` section share. bigint values arrive as decimal strings.

/** Every deposit event: the deposit as it is after the change. */
export const DepositEventPayload = z
  .object({
    depositId: z.string().meta({ description: '`<chain>:<txid>:<output index or log>`.' }),
    chain: z.string(),
    txid: z.string(),
    index: z.string(),
    address: z.string(),
    clientId: z.string(),
    userId: z.string(),
    asset: AssetCode,
    amount: BaseUnits,
    state: z.enum(['seen', 'confirming', 'credited', 'reversed', 'dropped']),
    blockHeight: z.number().int().nullable(),
    blockHash: z.string().nullable(),
    confirmations: z.number().int(),
    requiredConfirmations: z.number().int(),
  })
  .meta({ id: 'DepositEventPayload' });

export const DepositSeenPayload = DepositEventPayload.extend({
  again: z.literal(true).optional().meta({ description: 'A dropped deposit seen in the mempool again.' }),
}).meta({ id: 'DepositSeenPayload' });
export const DepositConfirmingPayload = DepositEventPayload.meta({ id: 'DepositConfirmingPayload' });
export const DepositCreditedPayload = DepositEventPayload.extend({
  transferId: z.string().meta({ description: 'The ledger transfer that credited the user.' }),
}).meta({ id: 'DepositCreditedPayload' });
export const DepositReversedPayload = DepositEventPayload.extend({
  incidentId: z.string(),
  recovered: BaseUnits.meta({ description: 'Taken back from the user.' }),
  shortfall: BaseUnits.meta({ description: 'What the user could not cover (booked to the incident account).' }),
  transferIds: z.array(z.string()),
}).meta({ id: 'DepositReversedPayload' });
export const DepositDroppedPayload = DepositEventPayload.extend({
  reason: z.enum(['reorged', 'vanished']),
  missingSince: Timestamp.optional().meta({ description: 'Vanished: since when the transaction was nowhere.' }),
}).meta({ id: 'DepositDroppedPayload' });

const WITHDRAWAL_STATUS = z
  .enum([
    'requested',
    'held',
    'awaiting_approval',
    'approved',
    'batched',
    'signing',
    'signed',
    'broadcast',
    'confirmed',
    'settled',
    'rejected',
    'cancelled',
    'failed',
  ])
  .meta({ id: 'WebhookWithdrawalStatus' });

/** Every withdrawal event: the move, the rule that made it, and the move's own details (`open`: and more). */
const withdrawalMove = <T extends z.ZodRawShape>(id: string, detail: T, open = false) => {
  const move = z.object({
    withdrawalId: z.string(),
    from: WITHDRAWAL_STATUS.nullable(),
    to: WITHDRAWAL_STATUS,
    rule: z.string().nullable(),
    ...detail,
  });
  return (open ? move.catchall(z.unknown()) : move).meta({ id });
};

const batch = { batchId: z.string() };
const onChain = { batchId: z.string(), txid: z.string() };
export const WithdrawalRequestedPayload = withdrawalMove('WithdrawalRequestedPayload', {
  clientId: z.string(),
  userId: z.string(),
  asset: AssetCode,
  amount: BaseUnits,
  destination: z.string(),
});
export const WithdrawalHeldPayload = withdrawalMove('WithdrawalHeldPayload', {
  holdId: z.string(),
  amount: BaseUnits.meta({ description: 'Held: the amount and the withdrawal fee.' }),
  asset: AssetCode,
});
export const WithdrawalAwaitingApprovalPayload = withdrawalMove('WithdrawalAwaitingApprovalPayload', {
  approvalsRequired: z.number().int(),
});
export const WithdrawalApprovedPayload = withdrawalMove('WithdrawalApprovedPayload', {
  approvers: z.array(z.string()).optional().meta({ description: 'Approved by people: their key ids.' }),
  owners: z.array(z.string()).optional(),
});
export const WithdrawalRejectedPayload = withdrawalMove('WithdrawalRejectedPayload', {
  code: z.string().optional().meta({ description: 'Denied by the policy: the refusal code.' }),
  reason: z.string().nullable().optional().meta({ description: 'Rejected by an approver: why.' }),
});
export const WithdrawalCancelledPayload = withdrawalMove('WithdrawalCancelledPayload', {
  reason: z.string().nullable(),
});
export const WithdrawalBatchedPayload = withdrawalMove('WithdrawalBatchedPayload', batch);
export const WithdrawalSigningPayload = withdrawalMove('WithdrawalSigningPayload', {
  ...batch,
  digests: z.number().int(),
  nonce: z.string().nullable(),
});
export const WithdrawalSignedPayload = withdrawalMove('WithdrawalSignedPayload', onChain);
export const WithdrawalBroadcastPayload = withdrawalMove('WithdrawalBroadcastPayload', onChain);
export const WithdrawalConfirmedPayload = withdrawalMove('WithdrawalConfirmedPayload', {
  ...onChain,
  height: z.number().int(),
  confirmations: z.number().int(),
});
export const WithdrawalSettledPayload = withdrawalMove('WithdrawalSettledPayload', {
  ...onChain,
  networkFee: BaseUnits.nullable(),
});
export const WithdrawalFailedPayload = withdrawalMove(
  'WithdrawalFailedPayload',
  { ...batch, reason: z.string() },
  true,
);

export const SolvencyBreakerTrippedPayload = z
  .object({
    asset: AssetCode,
    incidentId: z.string(),
    batchId: z.string().nullable(),
    reason: z.string(),
    detail: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'SolvencyBreakerTrippedPayload' });
export const SolvencyBreakerClearedPayload = z
  .object({
    asset: AssetCode,
    incidentId: z.string(),
    reason: z.string(),
    changeId: z.string(),
    clearedBy: z.unknown(),
  })
  .meta({ id: 'SolvencyBreakerClearedPayload' });

export const WebhookTestPayload = z
  .object({
    endpointId: z.string(),
    requestedBy: z.string().meta({ description: 'The API key that asked for the test.' }),
  })
  .meta({ id: 'WebhookTestPayload' });

/** Each event type and the payload (`data`) it carries. */
export const WEBHOOK_EVENT_PAYLOADS = {
  'deposit.seen': DepositSeenPayload,
  'deposit.confirming': DepositConfirmingPayload,
  'deposit.credited': DepositCreditedPayload,
  'deposit.reversed': DepositReversedPayload,
  'deposit.dropped': DepositDroppedPayload,
  'withdrawal.requested': WithdrawalRequestedPayload,
  'withdrawal.held': WithdrawalHeldPayload,
  'withdrawal.awaiting_approval': WithdrawalAwaitingApprovalPayload,
  'withdrawal.approved': WithdrawalApprovedPayload,
  'withdrawal.rejected': WithdrawalRejectedPayload,
  'withdrawal.cancelled': WithdrawalCancelledPayload,
  'withdrawal.batched': WithdrawalBatchedPayload,
  'withdrawal.signing': WithdrawalSigningPayload,
  'withdrawal.signed': WithdrawalSignedPayload,
  'withdrawal.broadcast': WithdrawalBroadcastPayload,
  'withdrawal.confirmed': WithdrawalConfirmedPayload,
  'withdrawal.settled': WithdrawalSettledPayload,
  'withdrawal.failed': WithdrawalFailedPayload,
  'withdrawals.solvency_breaker_tripped': SolvencyBreakerTrippedPayload,
  'withdrawals.solvency_breaker_cleared': SolvencyBreakerClearedPayload,
  'webhook.test': WebhookTestPayload,
} as const;

export type WebhookEventType = keyof typeof WEBHOOK_EVENT_PAYLOADS;

/** The body of one delivery of an event of `type`: the envelope with its payload as `data`. */
export function webhookEventBody<T extends z.ZodType>(type: string, data: T) {
  return z.object({
    id: z.string().meta({ description: '`evt_<uuid>`: also the `webhook-id` header; de-duplicate on it.' }),
    type: z.literal(type),
    subject: z.string().meta({ description: 'What it is about; deliveries keep order per endpoint and subject.' }),
    createdAt: Timestamp,
    data,
  });
}

const SUMMARIES: Record<string, string> = {
  'deposit.seen': 'A deposit was seen (mempool or block), not yet confirming',
  'deposit.confirming': 'A deposit is in a block, counting confirmations',
  'deposit.credited': 'A deposit reached its confirmations and was credited to the user',
  'deposit.reversed': 'A credited deposit was reorged away and its credit reversed',
  'deposit.dropped': 'An uncredited deposit was reorged away or vanished',
  'withdrawals.solvency_breaker_tripped': 'Signing of an asset stopped: liabilities exceed custody',
  'withdrawals.solvency_breaker_cleared': 'Two admins cleared an asset’s solvency breaker',
  'webhook.test': 'A test event, sent to one endpoint on request',
};

/** The events for the OpenAPI `webhooks` section (`@DocumentWebhooks(webhookEventContracts)`). */
export const webhookEventContracts: Record<string, WebhookContract> = Object.fromEntries(
  Object.entries(WEBHOOK_EVENT_PAYLOADS).map(([type, payload]) => [
    type,
    {
      summary: SUMMARIES[type] ?? `A withdrawal moved to ${type.slice('withdrawal.'.length).replace('_', ' ')}`,
      description:
        'Signed per Standard Webhooks: verify `webhook-signature` over `<webhook-id>.<webhook-timestamp>.<raw body>` ' +
        'with the endpoint’s secret (several `v1,` signatures during a rotation: any one matching is enough).',
      body: webhookEventBody(type, payload),
    },
  ]),
);
