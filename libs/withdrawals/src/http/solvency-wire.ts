import { z } from 'zod';
import { AssetCode, Timestamp } from '@strongroom/shared-http';

const Detail = z.record(z.string(), z.unknown());
const Person = z.object({ keyId: z.string(), owner: z.string() });

/** The solvency gate's breaker of one asset. */
export const SolvencyBreakerWire = z
  .object({
    asset: AssetCode,
    tripped: z.boolean().meta({ description: 'While true, nothing of the asset is signed.' }),
    trippedAt: Timestamp.nullable(),
    reason: z
      .string()
      .nullable()
      .meta({ description: 'The first refusal: `ledger_shortfall`, `onchain_shortfall` or `hold_invalid`.' }),
    detail: Detail.nullable().meta({ description: 'The figures the refusal rested on.' }),
    incidentId: z.string().nullable(),
    clearedBy: z.object({ maker: Person, checker: Person }).nullable(),
    clearedAt: Timestamp.nullable(),
    clearChangeId: z.string().nullable(),
  })
  .meta({ id: 'SolvencyBreaker' });

/** An incident the solvency gate raised. */
export const SolvencyIncidentWire = z
  .object({
    id: z.string(),
    asset: AssetCode,
    batchId: z.string().nullable(),
    kind: z.string().meta({ description: '`ledger_shortfall`, `onchain_shortfall` or `hold_invalid`.' }),
    detail: Detail,
    createdAt: Timestamp,
  })
  .meta({ id: 'SolvencyIncident' });
