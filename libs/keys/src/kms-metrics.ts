import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '@strongroom/shared-http';

/** KMS operations as Strongroom calls them (label values stay few). */
export type KmsOperation = 'Sign' | 'GetPublicKey';

/** One KMS call end to end (rate-limit wait and retries included): what signing latency a caller sees. */
export const kmsCallDuration = new Histogram({
  name: 'strongroom_kms_request_duration_seconds',
  help: 'Duration of one KMS call (rate-limit wait and retries included), by operation and outcome (ok, error)',
  labelNames: ['operation', 'outcome'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

/** Calls that failed for good, by the stable error code (kms.throttled, kms.key_disabled, ...). */
export const kmsErrors = new Counter({
  name: 'strongroom_kms_errors_total',
  help: 'KMS calls that failed after retries, by operation and error code (kms.throttled, kms.unavailable, kms.key_disabled, kms.signature_invalid, ...)',
  labelNames: ['operation', 'code'] as const,
  registers: [metricsRegistry],
});

/** Attempts that were retried, by why (throttled, unavailable): pressure before it becomes errors. */
export const kmsRetries = new Counter({
  name: 'strongroom_kms_retries_total',
  help: 'KMS attempts retried, by operation and reason (throttled, unavailable)',
  labelNames: ['operation', 'reason'] as const,
  registers: [metricsRegistry],
});

/** Records one finished call; `error` is the domain error it failed with, if any. */
export function observeKmsCall(operation: KmsOperation, startedMs: number, error?: unknown): void {
  const outcome = error === undefined ? 'ok' : 'error';
  kmsCallDuration.observe({ operation, outcome }, (performance.now() - startedMs) / 1000);
  if (error !== undefined) kmsErrors.inc({ operation, code: (error as { code?: string }).code ?? 'unknown' });
}
