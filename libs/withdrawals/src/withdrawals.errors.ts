import { defineErrors } from '@strongroom/shared-types';

/**
 * Every refusal of the withdrawals API: requests, policies, approvals, cancellations. The codes
 * are stable: clients switch on them. A policy denial answers 422 with the recorded withdrawal's
 * id and rule in `extra`; the same code is the withdrawal's `reason`.
 */
export const WithdrawalErrors = defineErrors('withdrawals', {
  'withdrawal.not_found': { status: 404, title: 'No such withdrawal (or not visible to this key)' },
  'withdrawal.no_policy': {
    status: 422,
    title: 'No withdrawal policy applies',
    description: 'Deny by default: an admin pair sets the asset default or the client’s policy. Nothing was held.',
  },
  'withdrawal.insufficient_funds': {
    status: 422,
    title: 'The user’s balance does not cover the amount and the fee',
  },
  'withdrawal.hold_refused': {
    status: 422,
    title: 'The ledger refused the hold',
    description: '`extra.ledgerCode` gives the ledger’s code.',
  },
  'withdrawal.not_cancellable': {
    status: 409,
    title: 'Withdrawal already being signed or settled',
    description: 'Only withdrawals not yet being signed can be cancelled; `extra.currentStatus` says where it is.',
  },
  'withdrawal.not_awaiting_approval': { status: 409, title: 'Withdrawal is not awaiting approval' },
  'withdrawal.state_changed': {
    status: 409,
    title: 'Withdrawal changed state concurrently',
    description: 'Another actor moved it first; read it again.',
  },
  'policy.invalid': {
    status: 422,
    title: 'Policy values out of range or never passing',
    description: '`extra.reason` says which check failed and `extra.field` which field.',
  },
  'policy.asset_paused': {
    status: 422,
    title: 'Withdrawals of this asset are paused',
    description: 'The circuit breaker tripped; an admin resets it.',
  },
  'policy.max_amount_exceeded': { status: 422, title: 'Amount above the per-withdrawal maximum' },
  'policy.destination_not_allowed': { status: 422, title: 'Destination not on the allowlist' },
  'policy.velocity_user_exceeded': { status: 422, title: 'The user’s 24-hour withdrawal limit would be exceeded' },
  'policy.velocity_client_exceeded': {
    status: 422,
    title: 'The client’s 24-hour withdrawal limit would be exceeded',
  },
  'policy.circuit_breaker_tripped': {
    status: 422,
    title: 'Outflows over the breaker window would exceed its limit',
    description: 'This request is denied and the asset is paused until an admin resets it.',
  },
  'approval.approver_role_required': { status: 403, title: 'Only an approver key can approve or reject' },
  'approval.self_approval': {
    status: 403,
    title: 'The requester cannot approve their own withdrawal',
    description: 'With any of their keys.',
  },
  'approval.same_owner': {
    status: 403,
    title: 'Another key of the same owner already approved',
    description: 'Approvals count distinct people.',
  },
  'approval.duplicate': { status: 409, title: 'This approver already decided on this withdrawal' },
  'idempotency.key_required': { status: 400, title: 'POST /v1/withdrawals needs an Idempotency-Key header' },
  'idempotency.key_invalid': {
    status: 400,
    title: 'Idempotency-Key malformed',
    description: '1–128 characters of A-Z a-z 0-9 . _ : -',
  },
  'idempotency.conflict': {
    status: 409,
    title: 'Idempotency-Key reused with another body',
    description: 'The same key and body answer 200 with the original withdrawal.',
  },
  'user.unknown': { status: 404, title: 'The user has no ledger account in this asset' },
  'chain.unavailable': { status: 503, title: 'This deployment has no adapter for the asset’s chain' },
  'solvency.breaker_tripped': {
    status: 503,
    title: 'The solvency gate refuses to sign this asset',
    description: 'Custody on chain does not cover what the ledger owes; an admin pair clears the breaker.',
  },
  'solvency.not_tripped': { status: 409, title: 'The solvency breaker of this asset is not tripped' },
  'sweep.not_found': { status: 404, title: 'No such sweep' },
  'sweep.unsupported': { status: 500, title: 'The chain adapter cannot sweep deposit addresses' },
  'sweep.no_source': { status: 500, title: 'The sweeper runs without the deposit feed (SWEEP_SOURCE)' },
  'sweep.wallet_directory': { status: 500, title: 'The wallet directory cannot look wallets up by id' },
  'sweep.wallet_unknown': { status: 500, title: 'Deposit addresses name a wallet the directory does not know' },
  'sweep.wallet_incomplete': { status: 500, title: 'The sweeping wallet lacks its Safe or relayer key' },
  'sweep.address_mismatch': {
    status: 500,
    title: 'A deposit address does not derive from its wallet and tag',
    description: 'The wallet directory and the deposits disagree; no sweep is built.',
  },
});
