import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal, DualControl, Roles, type ChangeRequestView, type Principal } from '@strongroom/api-auth';
import { ApiContract, ContractBody, ContractParams, ContractQuery, page } from '@strongroom/shared-http';
import type { PipelineDeps } from '../core/deps';
import { listBreakers, listIncidents, type SolvencyBreaker, type SolvencyIncident } from '../solvency/solvency-breaker';
import {
  SOLVENCY_CLEAR_KIND,
  SOLVENCY_CLEAR_PARSE_REFUSALS,
  solvencyClearHandler,
} from '../solvency/solvency-clear.handler';
import { PIPELINE_DEPS } from '../withdrawals.tokens';
import { assertOperatorScope, OPERATOR_SCOPE_REFUSALS, OPERATOR_WIDE } from './operator-scope';
import { PROPOSAL_REFUSALS, PROPOSED } from './proposal';
import { assetParams, pageOnlyQuery } from './schemas';
import { SolvencyBreakerWire, SolvencyIncidentWire } from './solvency-wire';

const clearBody = z
  .object({ reason: z.string().min(1).max(500).meta({ description: 'Why, 1–500 characters.' }) })
  .strict();

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
    errors: OPERATOR_SCOPE_REFUSALS,
  })
  breakers(
    @CurrentPrincipal() principal: Principal,
    @ContractQuery() q: z.infer<typeof pageOnlyQuery>,
  ): Promise<{ data: SolvencyBreaker[]; nextCursor: string | null }> {
    assertOperatorScope(principal);
    return listBreakers(this.deps.db, q);
  }

  @Roles('auditor')
  @Get('incidents')
  @ApiContract({
    summary: 'Incidents the solvency gate raised',
    description: `Newest first. ${OPERATOR_WIDE}`,
    query: pageOnlyQuery,
    responses: { 200: page(SolvencyIncidentWire) },
    errors: OPERATOR_SCOPE_REFUSALS,
  })
  incidents(
    @CurrentPrincipal() principal: Principal,
    @ContractQuery() q: z.infer<typeof pageOnlyQuery>,
  ): Promise<{ data: SolvencyIncident[]; nextCursor: string | null }> {
    assertOperatorScope(principal);
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
    responses: PROPOSED,
    errors: [...SOLVENCY_CLEAR_PARSE_REFUSALS, ...PROPOSAL_REFUSALS],
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
