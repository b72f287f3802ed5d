import { z } from 'zod';
import { AssetCode, BaseUnits, Timestamp } from '@strongroom/shared-http';

const Fraction = z
  .string()
  .regex(/^[0-9]{1,3}(\.[0-9]{1,4})?$/)
  .meta({ description: 'A fraction of the target as a decimal string, up to 4 decimals ("0.5", "1.5").' });

/**
 * The rule in an answer (amounts BaseUnits) and in a request (any text of at most 100 characters,
 * so that "0.4" reaches the base-units check and is refused as `amount.base_units_expected`).
 */
function ruleSchemas(amount: (description: string) => z.ZodString, suffix: string) {
  const fixed = z
    .strictObject({
      kind: z.literal('fixed'),
      target: amount('The target of the hot balance.'),
      lower: amount('Below it a cold → hot replenishment is requested.'),
      upper: amount('Above it the excess is planned hot → cold.'),
    })
    .meta({
      id: `TreasuryFixedRule${suffix}`,
      description: 'Bounds in base units, set by hand; lower ≤ target ≤ upper.',
    });
  const outflow = z
    .strictObject({
      kind: z.literal('outflow'),
      lookbackDays: z.number().int().min(1).max(90).meta({ description: 'D: the days of settled withdrawals read.' }),
      coverDays: z.number().int().min(1).max(30).meta({ description: 'N: days of p95 outflow the float covers.' }),
      buffer: amount('Added to p95 × N.'),
      lowerFraction: Fraction,
      upperFraction: Fraction,
    })
    .meta({
      id: `TreasuryOutflowRule${suffix}`,
      description:
        'target = p95 of the rolling 24 h withdrawal outflows (windows ending on every hour of the last D days) × N + ' +
        'buffer; lower and upper are fractions of the target (lowerFraction ≤ 1 ≤ upperFraction).',
    });
  return z.discriminatedUnion('kind', [fixed, outflow]);
}

const answerAmount = (description: string) => BaseUnits.meta({ description });
const requestAmount = (description: string) =>
  z
    .string()
    .max(100)
    .meta({ description: `${description} Base units, digits only.` });

export const FloatRuleWire = ruleSchemas(answerAmount as (d: string) => z.ZodString, '');
const FloatRuleBody = ruleSchemas(requestAmount, 'Input');

export const PolicyBodyWire = z.strictObject({
  rule: FloatRuleBody,
  leadTimeSeconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .meta({ description: 'How long a replenishment takes to land: the run-out alert fires below it.' }),
  approvalsRequired: z
    .number()
    .int()
    .min(2)
    .max(10)
    .default(2)
    .meta({ description: 'Distinct people who approve a cold → hot replenishment (default 2).' }),
});

const Owner = z.string().meta({ description: 'A segregated client’s id, or `operator` for the operator’s pool.' });

export const FloatPolicyWire = z
  .object({
    asset: AssetCode,
    owner: Owner,
    rule: FloatRuleWire,
    leadTimeSeconds: z.number().int(),
    approvalsRequired: z.number().int(),
    updatedBy: z.string().meta({ description: 'The key that proposed the policy in force.' }),
    updatedAt: Timestamp,
  })
  .meta({ id: 'TreasuryFloatPolicy' });

export const FloatWire = z
  .object({
    asset: AssetCode,
    owner: Owner,
    readingId: z.string(),
    hotWalletId: z.string().nullable(),
    coldWalletId: z.string().nullable(),
    balance: BaseUnits.meta({ description: 'The hot wallet’s custody account in the ledger at the reading.' }),
    target: BaseUnits,
    lower: BaseUnits,
    upper: BaseUnits,
    inputs: z.record(z.string(), z.unknown()).meta({ description: 'What the rule read (balances, outflows, p95).' }),
    rule: FloatRuleWire,
    outcome: z.enum(['ok', 'above_upper', 'below_lower', 'no_wallet']),
    runoutSeconds: z.number().int().nullable().meta({ description: 'At the last 24 h rate; null: nothing went out.' }),
    runoutAlert: z.boolean().meta({ description: 'Run-out comes before the lead time of a replenishment.' }),
    rebalanceId: z.string().nullable(),
    readAt: Timestamp,
  })
  .meta({ id: 'TreasuryFloat' });

export const RebalanceWire = z
  .object({
    id: z.string(),
    asset: AssetCode,
    owner: Owner,
    direction: z.enum(['hot_to_cold', 'cold_to_hot']),
    amount: BaseUnits,
    reason: z.string(),
    fromWalletId: z.string(),
    toWalletId: z.string(),
    status: z.enum(['planned', 'pending_approval', 'approved', 'cancelled']),
    approvalsRequired: z.number().int(),
    approvals: z.array(z.object({ owner: z.string(), keyId: z.string(), at: Timestamp })),
    readingId: z.string(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'TreasuryRebalance' });
