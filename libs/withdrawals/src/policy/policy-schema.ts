import { z } from 'zod';

/** A policy as the API takes it: amounts in base-unit strings (the service parses them to bigint). */
const baseUnits = z.string().regex(/^[0-9]{1,78}$/, 'a base-unit integer string');

/**
 * An amount field as the request body carries it: any text, so that "0.5" reaches the base-units
 * check and is refused as `amount.base_units_expected` (not as a schema mismatch); `policySchema`
 * then holds it to digits.
 */
const amountText = (description: string) =>
  z
    .string()
    .max(100)
    .meta({ description: `${description} Base units, digits only.` });

function policyShape(amount: (description: string) => z.ZodString) {
  return {
    maxAmount: amount('Largest amount of one withdrawal; null = no limit.').nullable().default(null),
    userDailyLimit: amount('What one user may withdraw over a rolling 24 h; null = no limit.').nullable().default(null),
    clientDailyLimit: amount('What one client’s users may withdraw over a rolling 24 h; null = no limit.')
      .nullable()
      .default(null),
    allowlist: z
      .array(z.string().min(1).max(200))
      .max(10_000)
      .nullable()
      .default(null)
      .meta({ description: 'Allowed destinations; null = any valid address.' }),
    approvalThreshold: amount('Amounts above it need approvals; null = never.').nullable().default(null),
    approvalsRequired: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(1)
      .meta({ description: 'Distinct approvers above the threshold (0 = none).' }),
    breakerWindowSeconds: z
      .number()
      .int()
      .min(1)
      .max(30 * 86_400)
      .nullable()
      .default(null)
      .meta({ description: 'The circuit breaker’s window; set together with `breakerLimit`.' }),
    breakerLimit: amount('Outflows over the window that trip the circuit breaker; set with `breakerWindowSeconds`.')
      .nullable()
      .default(null),
    withdrawalFee: amount('Charged on top of the amount.').default('0'),
  };
}

export const policySchema = z
  .object(policyShape(() => baseUnits))
  .strict()
  .refine(
    (p) => (p.breakerLimit === null) === (p.breakerWindowSeconds === null),
    'breakerLimit and breakerWindowSeconds go together',
  );

/** The body of `PUT /v1/withdrawal-policies/:asset/:clientId`; `parsePolicyChange` checks it to the end. */
export const policyBodySchema = z.object(policyShape(amountText)).strict().meta({ id: 'WithdrawalPolicyInput' });
