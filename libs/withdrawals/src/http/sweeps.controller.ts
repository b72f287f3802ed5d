import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { assertClientScope, CurrentPrincipal, Roles, type Principal } from '@strongroom/api-auth';
import { parseWith } from '@strongroom/shared-http';
import { CHAIN_IDS, type ChainId } from '@strongroom/shared-types';
import { SweepQueries, type Sweep } from '../sweeps/sweep-queries';
import type { SweepStatus } from '../sweeps/sweep-row';

const SWEEP_STATUSES = ['signing', 'signed', 'broadcast', 'settled', 'failed'] as const;

const sweepListSchema = z
  .object({
    chain: z.enum(CHAIN_IDS as unknown as [string, ...string[]]).optional(),
    status: z.enum(SWEEP_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    cursor: z.string().max(64).optional(),
  })
  .strict();

/**
 * Sweeps move the operator's deposit addresses into custody, across clients: only a key scoped to
 * every client (or to the `operator` house itself) reads them; a client's own auditor does not.
 */
function assertOperatorScope(p: Principal): void {
  assertClientScope(p, 'operator');
}

@ApiTags('sweeps')
@Controller('v1/sweeps')
export class SweepsController {
  constructor(private readonly sweeps: SweepQueries) {}

  @Roles('admin', 'auditor')
  @Get()
  @ApiOperation({
    summary:
      'List sweeps of deposit addresses into custody (newest first), filtered by chain and status; cursor-paginated',
    description:
      'A sweep moves what deposit addresses hold into the wallet’s Safe; its gas is booked as fee expense out of the relayer’s gas budget.',
  })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, string>,
  ): Promise<{ items: Sweep[]; nextCursor: string | null }> {
    assertOperatorScope(principal);
    const q = parseWith(sweepListSchema, query);
    return this.sweeps.list({
      ...q,
      chain: q.chain as ChainId | undefined,
      status: q.status as SweepStatus | undefined,
    });
  }

  @Roles('admin', 'auditor')
  @Get(':id')
  @ApiOperation({ summary: 'One sweep: its addresses, transaction(s), gas paid and what moved' })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<Sweep> {
    assertOperatorScope(principal);
    return this.sweeps.get(id);
  }
}
