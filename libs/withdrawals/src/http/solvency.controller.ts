import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  assertClientScope,
  CurrentPrincipal,
  DualControl,
  Roles,
  type ChangeRequestView,
  type Principal,
} from '@strongroom/api-auth';
import { parseWith } from '@strongroom/shared-http';
import { z } from 'zod';
import type { PipelineDeps } from '../core/deps';
import { listBreakers, listIncidents, type SolvencyBreaker } from '../solvency/solvency-breaker';
import { SOLVENCY_CLEAR_KIND, solvencyClearHandler } from '../solvency/solvency-clear.handler';
import { PIPELINE_DEPS } from '../withdrawals.tokens';

@ApiTags('solvency')
@Controller('v1/solvency')
export class SolvencyController {
  constructor(
    private readonly dualControl: DualControl,
    @Inject(PIPELINE_DEPS) private readonly deps: PipelineDeps,
  ) {}

  @Roles('auditor')
  @Get('breakers')
  @ApiOperation({
    summary: 'The solvency gate’s breaker per asset: tripped (nothing of the asset is signed), why, who cleared it',
  })
  async breakers(@CurrentPrincipal() principal: Principal): Promise<{ items: SolvencyBreaker[] }> {
    // Operator-wide figures (all clients' liabilities): not for a client's own auditor.
    assertClientScope(principal, 'operator');
    return { items: await listBreakers(this.deps.db) };
  }

  @Roles('auditor')
  @Get('incidents')
  @ApiOperation({ summary: 'Incidents the solvency gate raised, newest first' })
  async incidents(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, string>,
  ): Promise<{ items: Record<string, unknown>[] }> {
    assertClientScope(principal, 'operator');
    const { limit } = parseWith(
      z.object({ limit: z.coerce.number().int().min(1).max(500).optional() }).strict(),
      query,
    );
    return { items: await listIncidents(this.deps.db, limit) };
  }

  @Roles('admin')
  @Post(':asset/clear')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Propose clearing an asset’s tripped solvency breaker (body {reason}); a second admin of another owner approves at /v1/changes/:id/approve',
  })
  clear(
    @CurrentPrincipal() principal: Principal,
    @Param('asset') asset: string,
    @Body() body: unknown,
  ): Promise<ChangeRequestView> {
    const payload = solvencyClearHandler(this.deps).parse({ ...(body && typeof body === 'object' ? body : {}), asset });
    return this.dualControl.propose(principal, SOLVENCY_CLEAR_KIND, payload);
  }
}
