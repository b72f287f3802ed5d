import { Injectable, type InjectionToken, type Provider } from '@nestjs/common';

/**
 * One dependency `/health/ready` waits for: resolves (optionally with details to show) while it is
 * usable, throws or rejects with a short reason when not. `signal` aborts when the check runs out of time.
 */
export type ReadinessCheck = (signal: AbortSignal) => Promise<Record<string, unknown> | void>;

export interface RegisteredCheck {
  name: string;
  check: ReadinessCheck;
  /** A check that does not answer within this many ms is down (default 3 s). */
  timeoutMs: number;
}

export const DEFAULT_READINESS_TIMEOUT_MS = 3_000;

/** The readiness checks of one app, besides the database: registered by the modules that own the clients. */
@Injectable()
export class ReadinessChecks {
  private readonly checks = new Map<string, RegisteredCheck>();

  add(name: string, check: ReadinessCheck, timeoutMs = DEFAULT_READINESS_TIMEOUT_MS): void {
    if (name === 'database' || this.checks.has(name)) throw new Error(`readiness check ${name} is registered twice`);
    this.checks.set(name, { name, check, timeoutMs });
  }

  list(): RegisteredCheck[] {
    return [...this.checks.values()];
  }
}

/**
 * A provider that registers one readiness check when the app starts: put it among the providers of
 * the module that has the client (`inject` its tokens; `make` gets them in order).
 *
 *     readinessCheck('kms', [KmsSigner], (kms: KmsSigner) => () => kms.ping())
 */
export function readinessCheck<D extends unknown[]>(
  name: string,
  inject: InjectionToken[],
  make: (...deps: D) => ReadinessCheck,
  timeoutMs?: number,
): Provider {
  return {
    provide: Symbol(`readiness:${name}`),
    inject: [ReadinessChecks, ...inject],
    useFactory: (checks: ReadinessChecks, ...deps: unknown[]) => checks.add(name, make(...(deps as D)), timeoutMs),
  };
}
