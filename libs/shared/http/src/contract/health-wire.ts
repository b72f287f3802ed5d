import { z } from 'zod';

export const HealthWire = z
  .object({ status: z.enum(['ok', 'error']), database: z.enum(['up', 'down']), backend: z.string() })
  .meta({ id: 'Health' });

const Indicator = z.object({ status: z.string() }).catchall(z.unknown());

/** @nestjs/terminus's report: `error` names each failing check with its reason. */
export const HealthReportWire = z
  .object({
    status: z.enum(['ok', 'error', 'degraded', 'shutting_down']),
    info: z.record(z.string(), Indicator).optional(),
    error: z.record(z.string(), Indicator).optional(),
    details: z.record(z.string(), Indicator),
  })
  .meta({ id: 'HealthReport' });
