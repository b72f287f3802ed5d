import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  assertClientScope,
  AuthErrors,
  ChangeRequestWire,
  CurrentPrincipal,
  DualControl,
  Roles,
  type ChangeRequestView,
  type Principal,
} from '@strongroom/api-auth';
import { AssetErrors } from '@strongroom/shared-assets';
import { ApiContract, ContractBody, ContractParams, ContractQuery, page } from '@strongroom/shared-http';
import type { PipelineDeps } from '../core/deps';
import { listBreakers, listIncidents, type SolvencyBreaker, type SolvencyIncident } from '../solvency/solvency-breaker';
import { SOLVENCY_CLEAR_KIND, solvencyClearHandler } from '../solvency/solvency-clear.handler';
import { PIPELINE_DEPS } from '../withdrawals.tokens';
import { assetParams, pageOnlyQuery } from './schemas';
import { SolvencyBreakerWire, SolvencyIncidentWire } from './solvency-wire';

const clearBody = z
  .object({ reason: z.string().min(1).max(500).meta({ description: 'Why, 1–500 characters.' }) })
  .strict();

// Operator-wide figures (all clients' liabilities): not for a client's own auditor.
const OPERATOR_WIDE = 'Needs a key scoped to every client (403 `auth.forbidden_client` otherwise).';

@ApiTags('solvency')
@Controller('v1/solvency')
export class SolvencyController {
  constructor(
    private readonly dualControl: DualControl,
    @Inject(PIPELINE_DEPS) private readonly deps: PipelineDeps,
  ) {}

  @Roles('auditor')
  @Get('breakers')
  @ApiContract({
    summary: 'The solvency gate’s breakers',
    description: `By asset: whether it is tripped (nothing of the asset is signed), why, who cleared it. ${OPERATOR_WIDE}`,
    query: pageOnlyQuery,
    responses: { 200: page(SolvencyBreakerWire) },
    errors: [AuthErrors['auth.forbidden_client']],
  })
  breakers(
    @CurrentPrincipal() principal: Principal,
    @ContractQuery() q: z.infer<typeof pageOnlyQuery>,
  ): Promise<{ data: SolvencyBreaker[]; nextCursor: string | null }> {
    assertClientScope(principal, 'operator');
    return listBreakers(this.deps.db, q);
  }

  @Roles('auditor')
  @Get('incidents')
  @ApiContract({
    summary: 'Incidents the solvency gate raised',
    description: `Newest first. ${OPERATOR_WIDE}`,
    query: pageOnlyQuery,
    responses: { 200: page(SolvencyIncidentWire) },
    errors: [AuthErrors['auth.forbidden_client']],
  })
  incidents(
    @CurrentPrincipal() principal: Principal,
    @ContractQuery() q: z.infer<typeof pageOnlyQuery>,
  ): Promise<{ data: SolvencyIncident[]; nextCursor: string | null }> {
    assertClientScope(principal, 'operator');
    return listIncidents(this.deps.db, q);
  }

  @Roles('admin')
  @Post(':asset/clear')
  @HttpCode(202)
  @ApiContract({
    summary: 'Propose clearing an asset’s tripped solvency breaker',
    description:
      'Answers 202 with the pending change (kind `withdrawals.solvency_clear`); a second admin of another owner ' +
      'approves it at `POST /v1/changes/:id/approve`, which refuses it (409 `solvency.not_tripped`) if the breaker is ' +
      'no longer tripped. Clearing does not fix the cause: if liabilities still exceed custody, the next batch trips it again.',
    params: assetParams,
    body: clearBody,
    responses: { 202: ChangeRequestWire },
    errors: [AssetErrors['asset.unknown'], AuthErrors['change.invalid_payload']],
  })
  clear(
    @CurrentPrincipal() principal: Principal,
    @ContractParams() { asset }: z.infer<typeof assetParams>,
    @ContractBody() body: z.infer<typeof clearBody>,
  ): Promise<ChangeRequestView> {
    const payload = solvencyClearHandler(this.deps).parse({ ...body, asset });
    return this.dualControl.propose(principal, SOLVENCY_CLEAR_KIND, payload);
  }
}
