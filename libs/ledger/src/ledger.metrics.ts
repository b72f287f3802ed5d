import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '@strongroom/shared-http';

/** Operational counters only (no amounts, no ids): what /metrics exposes about the ledger. */
export const ledgerTransfers = new Counter({
  name: 'strongroom_ledger_transfers_total',
  help: 'Transfers decided by the ledger, by outcome (committed, replayed, or the refusal code)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const ledgerBatchSize = new Histogram({
  name: 'strongroom_ledger_batch_transfers',
  help: 'Transfers per database transaction (batch API and group commit)',
  buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 8000],
  registers: [metricsRegistry],
});

export const ledgerBatchRetries = new Counter({
  name: 'strongroom_ledger_batch_retries_total',
  help: 'Batches re-planned because a concurrent commit invalidated them (or a serialization failure)',
  registers: [metricsRegistry],
});

export const ledgerSequencerRounds = new Counter({
  name: 'strongroom_ledger_sequencer_rounds_total',
  help: 'Rounds of the ledger sequencer (each stamps every batch committed before it began)',
  registers: [metricsRegistry],
});

export const ledgerBatches = new Counter({
  name: 'strongroom_ledger_batches_total',
  help: 'Batches written, by path: fast (one statement, planned from cached account facts) or full (read, plan, write)',
  labelNames: ['path'] as const,
  registers: [metricsRegistry],
});

export const ledgerFastFallbacks = new Counter({
  name: 'strongroom_ledger_fast_path_fallbacks_total',
  help: 'Batches planned without reading that the database sent to the full path (a known id, a closed account, a flag the balances would break)',
  registers: [metricsRegistry],
});
