import { z } from 'zod';

/** A policy as the API takes it: amounts in base-unit strings (the service parses them to bigint). */
const baseUnits = z.string().regex(/^[0-9]{1,78}$/, 'a base-unit integer string');
export const policySchema = z
  .object({
    maxAmount: baseUnits.nullable().default(null),
    userDailyLimit: baseUnits.nullable().default(null),
    clientDailyLimit: baseUnits.nullable().default(null),
    allowlist: z.array(z.string().min(1).max(200)).max(10_000).nullable().default(null),
    approvalThreshold: baseUnits.nullable().default(null),
    approvalsRequired: z.number().int().min(0).max(10).default(1),
    breakerWindowSeconds: z
      .number()
      .int()
      .min(1)
      .max(30 * 86_400)
      .nullable()
      .default(null),
    breakerLimit: baseUnits.nullable().default(null),
    withdrawalFee: baseUnits.default('0'),
  })
  .strict()
  .refine(
    (p) => (p.breakerLimit === null) === (p.breakerWindowSeconds === null),
    'breakerLimit and breakerWindowSeconds go together',
  );
