import { Controller, Get, HttpCode, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, type HealthIndicatorFunction } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import type { Database } from '@strongroom/persistence';
import { ApiContract } from './contract/api-contract';
import { HealthReportWire, HealthWire } from './contract/health-wire';
import { InjectDatabase } from './database.module';
import { Public } from './public.decorator';
import { DEFAULT_READINESS_TIMEOUT_MS, ReadinessChecks, type ReadinessCheck } from './readiness';

type IndicatorStatus = { status: string; [detail: string]: unknown };
/** @nestjs/terminus's answer: `error` names each failing check with its reason. */
export interface HealthReport {
  status: 'ok' | 'error' | 'degraded' | 'shutting_down';
  info?: Record<string, IndicatorStatus>;
  error?: Record<string, IndicatorStatus>;
  details: Record<string, IndicatorStatus>;
}

/**
 * `GET /health` (database reachability, kept for existing checks), `GET /health/live` (process up,
 * no I/O) and `GET /health/ready` (the database and every check the app registered; 503 naming
 * the failing ones otherwise). No authentication, never rate limited.
 */
@ApiTags('operations')
@SkipThrottle()
@Controller()
export class HealthController {
  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly terminus: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly checks: ReadinessChecks,
  ) {}

  @Public()
  @Get('health')
  @HttpCode(200)
  @ApiContract({
    summary: 'Liveness and database reachability',
    description: '200 when the database answers, 503 otherwise. Kept for existing checks; prefer /health/ready.',
    responses: { 200: HealthWire, 503: HealthWire },
  })
  async health(
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ status: string; database: string; backend: string }> {
    try {
      await this.db.query('SELECT 1');
      return { status: 'ok', database: 'up', backend: this.db.backend };
    } catch {
      res.status(503);
      return { status: 'error', database: 'down', backend: this.db.backend };
    }
  }

  @Public()
  @Get('health/live')
  @HttpCode(200)
  @ApiContract({
    summary: 'Liveness: the process answers',
    description: 'No I/O: for restarting a hung process, not for routing traffic (use /health/ready).',
    responses: { 200: HealthReportWire },
  })
  live(): Promise<HealthReport> {
    return this.terminus.check([]) as Promise<HealthReport>;
  }

  @Public()
  @Get('health/ready')
  @HttpCode(200)
  @ApiContract({
    summary: 'Readiness: the database and the app’s dependencies',
    description:
      'The database and every check the app registers (KMS, each chain node synced, followers within their lag ' +
      'bound). 503 names each failing check with its reason under `error`.',
    responses: { 200: HealthReportWire, 503: HealthReportWire },
  })
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const all = [
      {
        name: 'database',
        check: () => this.db.query('SELECT 1').then(() => undefined),
        timeoutMs: DEFAULT_READINESS_TIMEOUT_MS,
      },
      ...this.checks.list(),
    ];
    const indicators = all.map((c): HealthIndicatorFunction => async () => {
      const session = this.indicators.check(c.name);
      try {
        return session.up(await withTimeout(c.check, c.timeoutMs));
      } catch (err) {
        return session.down({ message: err instanceof Error ? err.message : String(err) });
      }
    });
    try {
      return (await this.terminus.check(indicators)) as HealthReport;
    } catch (err) {
      // Terminus answers a failed check with a 503 exception carrying the report: send the report as is.
      if (!(err instanceof ServiceUnavailableException)) throw err;
      res.status(503);
      return err.getResponse() as HealthReport;
    }
  }
}

/** Runs a check, down with a clear reason when it does not answer in time (its signal is aborted then). */
async function withTimeout(check: ReadinessCheck, ms: number): Promise<Record<string, unknown>> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
  });
  try {
    return (await Promise.race([check(controller.signal), late])) ?? {};
  } finally {
    clearTimeout(timer);
  }
}
