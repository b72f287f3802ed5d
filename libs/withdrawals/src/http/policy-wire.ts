import { z } from 'zod';
import { AssetCode, BaseUnits, Timestamp } from '@strongroom/shared-http';

const limit = (description: string) => BaseUnits.nullable().meta({ description });

/** A withdrawal policy as the API answers it (`policyJson`): amounts in base units, null = no limit. */
export const PolicyWire = z
  .object({
    asset: AssetCode,
    clientId: z.string().meta({ description: '`*` for the asset default, else the client the override is for.' }),
    maxAmount: limit('Largest amount of one withdrawal.'),
    userDailyLimit: limit('What one user may withdraw over a rolling 24 h.'),
    clientDailyLimit: limit('What one client’s users may withdraw over a rolling 24 h.'),
    allowlist: z.array(z.string()).nullable().meta({ description: 'Normalised destinations; null = any valid one.' }),
    approvalThreshold: limit('Amounts above it need approvals; null = never.'),
    approvalsRequired: z.number().int(),
    breakerWindowSeconds: z.number().int().nullable(),
    breakerLimit: limit('Outflows over the window that trip the circuit breaker.'),
    withdrawalFee: BaseUnits,
    version: z.number().int(),
    updatedBy: z.string(),
    updatedAt: Timestamp,
  })
  .meta({ id: 'WithdrawalPolicy' });

const Snapshot = z.record(z.string(), z.unknown());

/** One entry of the policy change log. */
export const PolicyChangeWire = z
  .object({
    id: z.string(),
    asset: AssetCode,
    clientId: z.string(),
    version: z.number().int(),
    before: Snapshot.nullable().meta({
      description: 'The policy as it was, in the form of its time; null for the first version.',
    }),
    after: Snapshot.meta({ description: 'The policy as it became, in the form of its time.' }),
    changedBy: z.string().meta({ description: 'The key that proposed the change (the maker).' }),
    changedAt: Timestamp,
  })
  .meta({ id: 'WithdrawalPolicyChange' });

export const BreakerResetWire = z.object({ asset: AssetCode, paused: z.literal(false) });
