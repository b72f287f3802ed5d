import type { Policy } from '../policy/policy.types';
import type { PolicyInput } from '../policy/policy.service';

/** No limits, no fee, no approvals: what a test that is not about policies runs under. */
export const OPEN_POLICY: PolicyInput = {
  maxAmount: null,
  userDailyLimit: null,
  clientDailyLimit: null,
  allowlist: null,
  approvalThreshold: null,
  approvalsRequired: 1,
  breakerWindowSeconds: null,
  breakerLimit: null,
  withdrawalFee: 0n,
};

/** OPEN_POLICY as the stored asset default (clientId '*'), version 1. */
export const openPolicyRow = (asset = 'BTC'): Policy => ({
  asset,
  clientId: '*',
  ...OPEN_POLICY,
  version: 1,
  updatedBy: 'admin',
  updatedAt: new Date(0),
});
