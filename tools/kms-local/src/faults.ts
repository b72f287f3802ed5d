/** An AWS error a named key is made to fail with, e.g. `KMSInternalException` (500). */
export interface KeyFault {
  type: string;
  status?: number;
  message?: string;
}

/**
 * Fault injection for tests and benchmarks, changeable while the server runs. Rates are
 * fractions (0..1) of requests, drawn independently per request.
 */
export interface Faults {
  /** Answer `ThrottlingException` (HTTP 400, as KMS does) to this fraction of requests. */
  throttleRate?: number;
  /** Answer `KMSInternalException` (HTTP 500) to this fraction of requests. */
  errorRate?: number;
  /** Delay every response by this many milliseconds (use with a client timeout to simulate timeouts). */
  latencyMs?: number;
  /** Fail every request naming one of these keys (key id, key ARN or alias as sent). */
  failKeys?: Record<string, KeyFault>;
  /** Only these operations are subject to throttleRate/errorRate (default: all). */
  operations?: string[];
}
