import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Database } from '@strongroom/persistence';
import { InjectDatabase } from './database.module';
import { Public } from './public.decorator';

type IndicatorStatus = { status: 'up' | 'down'; message?: string };
/** The JSON shape @nestjs/terminus answers with, so probes and dashboards read one format. */
export interface HealthReport {
  status: 'ok' | 'error';
  info: Record<string, IndicatorStatus>;
  error: Record<string, IndicatorStatus>;
  details: Record<string, IndicatorStatus>;
}

/**
 * `GET /health` (database reachability, kept for existing checks), `GET /health/live` (process up,
 * no I/O) and `GET /health/ready` (database answers; 503 otherwise). No authentication.
 */
@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(@InjectDatabase() private readonly db: Database) {}

  @Public()
  @Get('health')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness and database reachability' })
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
  @ApiOperation({ summary: 'Liveness: the process answers (no I/O)' })
  live(): HealthReport {
    return { status: 'ok', info: {}, error: {}, details: {} };
  }

  @Public()
  @Get('health/ready')
  @HttpCode(200)
  @ApiOperation({ summary: 'Readiness: the database answers; 503 otherwise' })
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    let database: IndicatorStatus;
    try {
      await this.db.query('SELECT 1');
      database = { status: 'up' };
    } catch (err) {
      database = { status: 'down', message: err instanceof Error ? err.message : 'unreachable' };
    }
    const up = database.status === 'up';
    if (!up) res.status(503);
    return {
      status: up ? 'ok' : 'error',
      info: up ? { database } : {},
      error: up ? {} : { database },
      details: { database },
    };
  }
}
