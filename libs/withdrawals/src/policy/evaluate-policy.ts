import { WithdrawalErrors } from '../withdrawals.errors';
import type { Policy, PolicyDecision, PolicyFacts } from './policy.types';

/**
 * Decides one withdrawal request against its effective policy. Pure: the caller gathers the
 * facts under a lock and records the decision with the rule that fired. Denials come first,
 * in a fixed order, so the recorded rule is the same on every replay.
 */
export function evaluatePolicy(policy: Policy | null, facts: PolicyFacts): PolicyDecision {
  if (facts.paused) {
    return {
      outcome: 'deny',
      rule: 'circuit_breaker',
      code: WithdrawalErrors['policy.asset_paused'].code,
      detail: 'withdrawals of this asset are paused by the circuit breaker until an admin resets it',
    };
  }
  // Deny by default: no effective policy (no client override and no asset default an admin set).
  if (!policy)
    return {
      outcome: 'deny',
      rule: 'no_policy',
      code: WithdrawalErrors['withdrawal.no_policy'].code,
      detail: 'no withdrawal policy applies to this asset and client; an admin must set one',
    };
  const { amount } = facts;
  if (policy.maxAmount !== null && amount > policy.maxAmount) {
    return {
      outcome: 'deny',
      rule: 'max_amount',
      code: WithdrawalErrors['policy.max_amount_exceeded'].code,
      detail: `the amount exceeds the per-withdrawal maximum of ${policy.maxAmount} base units`,
    };
  }
  if (policy.allowlist !== null && !policy.allowlist.some((a) => a.toLowerCase() === facts.destination.toLowerCase())) {
    return {
      outcome: 'deny',
      rule: 'allowlist',
      code: WithdrawalErrors['policy.destination_not_allowed'].code,
      detail: 'the destination is not on the allowlist for this asset',
    };
  }
  if (policy.userDailyLimit !== null && facts.userOutflow24h + amount > policy.userDailyLimit) {
    return {
      outcome: 'deny',
      rule: 'velocity_user',
      code: WithdrawalErrors['policy.velocity_user_exceeded'].code,
      detail: `the user's withdrawals over 24 h would exceed ${policy.userDailyLimit} base units`,
    };
  }
  if (policy.clientDailyLimit !== null && facts.clientOutflow24h + amount > policy.clientDailyLimit) {
    return {
      outcome: 'deny',
      rule: 'velocity_client',
      code: WithdrawalErrors['policy.velocity_client_exceeded'].code,
      detail: `the client's withdrawals over 24 h would exceed ${policy.clientDailyLimit} base units`,
    };
  }
  if (
    policy.breakerLimit !== null &&
    policy.breakerWindowSeconds !== null &&
    facts.windowOutflow + amount > policy.breakerLimit
  ) {
    return {
      outcome: 'deny',
      rule: 'circuit_breaker',
      code: WithdrawalErrors['policy.circuit_breaker_tripped'].code,
      detail: `outflows over ${policy.breakerWindowSeconds} s would exceed ${policy.breakerLimit} base units; the asset is now paused`,
      tripBreaker: true,
    };
  }
  if (policy.approvalThreshold !== null && amount > policy.approvalThreshold && policy.approvalsRequired > 0) {
    return { outcome: 'await_approval', rule: 'approval_threshold', approvalsRequired: policy.approvalsRequired };
  }
  return { outcome: 'approve', rule: 'auto_approve' };
}

/** The asset default overlaid with the client's override, field by field. */
export function effectivePolicy(assetDefault: Policy | null, clientOverride: Policy | null): Policy | null {
  if (!assetDefault) return clientOverride;
  if (!clientOverride) return assetDefault;
  const pick = <T>(c: T | null, a: T | null): T | null => (c !== null ? c : a);
  return {
    ...assetDefault,
    clientId: clientOverride.clientId,
    maxAmount: pick(clientOverride.maxAmount, assetDefault.maxAmount),
    userDailyLimit: pick(clientOverride.userDailyLimit, assetDefault.userDailyLimit),
    clientDailyLimit: pick(clientOverride.clientDailyLimit, assetDefault.clientDailyLimit),
    allowlist: pick(clientOverride.allowlist, assetDefault.allowlist),
    approvalThreshold: pick(clientOverride.approvalThreshold, assetDefault.approvalThreshold),
    approvalsRequired:
      clientOverride.approvalThreshold !== null ? clientOverride.approvalsRequired : assetDefault.approvalsRequired,
    // The breaker protects the asset as a whole: only the asset default sets it.
    breakerWindowSeconds: assetDefault.breakerWindowSeconds,
    breakerLimit: assetDefault.breakerLimit,
    withdrawalFee: clientOverride.withdrawalFee,
    version: clientOverride.version,
  };
}
