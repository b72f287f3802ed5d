import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Database } from '@strongroom/persistence';
import { InjectDatabase } from './database.module';
import { Public } from './public.decorator';

/** `GET /health`: 200 when the database answers, 503 otherwise. No authentication. */
@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(@InjectDatabase() private readonly db: Database) {}

  @Public()
  @Get('health')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness and database reachability' })
  async health(@Res({ passthrough: true }) res: Response): Promise<{ status: string; database: string; backend: string }> {
    try {
      await this.db.query('SELECT 1');
      return { status: 'ok', database: 'up', backend: this.db.backend };
    } catch {
      res.status(503);
      return { status: 'error', database: 'down', backend: this.db.backend };
    }
  }
}
