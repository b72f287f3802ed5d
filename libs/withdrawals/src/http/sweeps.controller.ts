import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal, Roles, type Principal } from '@strongroom/api-auth';
import { ApiContract, ContractParams, ContractQuery, page, pageQuery } from '@strongroom/shared-http';
import { CHAIN_IDS, type ChainId } from '@strongroom/shared-types';
import { SweepQueries, type Sweep } from '../sweeps/sweep-queries';
import type { SweepStatus } from '../sweeps/sweep-row';
import { WithdrawalErrors as E } from '../withdrawals.errors';
import { assertOperatorScope, OPERATOR_SCOPE_REFUSALS, OPERATOR_WIDE } from './operator-scope';
import { SWEEP_STATUSES, SweepWire } from './sweep-wire';

const sweepListSchema = z
  .object({
    chain: z.enum(CHAIN_IDS as unknown as [string, ...string[]]).optional(),
    status: z.enum(SWEEP_STATUSES).optional(),
    ...pageQuery,
  })
  .strict();

const byId = z.object({ id: z.string().max(128).meta({ description: 'The sweep id (`sweep_…`).' }) });

@ApiTags('sweeps')
@Controller('v1/sweeps')
export class SweepsController {
  constructor(private readonly sweeps: SweepQueries) {}

  @Roles('admin', 'auditor')
  @Get()
  @ApiContract({
    summary: 'Sweeps of deposit addresses into custody',
    description:
      'Newest first, filtered by chain and status. A sweep moves what deposit addresses hold into the wallet’s Safe; ' +
      `its gas is booked as fee expense out of the relayer’s gas budget. ${OPERATOR_WIDE}`,
    query: sweepListSchema,
    responses: { 200: page(SweepWire) },
    errors: OPERATOR_SCOPE_REFUSALS,
  })
  list(
    @CurrentPrincipal() principal: Principal,
    @ContractQuery() q: z.infer<typeof sweepListSchema>,
  ): Promise<{ data: Sweep[]; nextCursor: string | null }> {
    assertOperatorScope(principal);
    return this.sweeps.list({
      ...q,
      chain: q.chain as ChainId | undefined,
      status: q.status as SweepStatus | undefined,
    });
  }

  @Roles('admin', 'auditor')
  @Get(':id')
  @ApiContract({
    summary: 'One sweep: its addresses, transaction(s), gas paid and what moved',
    description: OPERATOR_WIDE,
    params: byId,
    responses: { 200: SweepWire },
    errors: [...OPERATOR_SCOPE_REFUSALS, E['sweep.not_found']],
  })
  get(@CurrentPrincipal() principal: Principal, @ContractParams() { id }: z.infer<typeof byId>): Promise<Sweep> {
    assertOperatorScope(principal);
    return this.sweeps.get(id);
  }
}
