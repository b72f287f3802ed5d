import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from '@strongroom/shared-http';

/** 1 while an asset's solvency breaker holds its signing back (alert on any 1). No amounts, no ids. */
export const solvencyBreakerTripped = new Gauge({
  name: 'strongroom_solvency_breaker_tripped',
  help: 'Per asset, 1 while the solvency gate refuses to sign (liabilities above custody, or a batch hold not pending) until an admin pair clears it',
  labelNames: ['asset'] as const,
  registers: [metricsRegistry],
});

export const solvencyRefusals = new Counter({
  name: 'strongroom_solvency_refusals_total',
  help: 'Batches the solvency gate refused to sign, per asset and reason (ledger_shortfall, onchain_shortfall, hold_invalid, breaker_tripped)',
  labelNames: ['asset', 'reason'] as const,
  registers: [metricsRegistry],
});
