import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseWith } from '@strongroom/shared-http';
import { CurrentPrincipal } from '../current-principal.decorator';
import type { Principal } from '../principal';
import { Roles } from '../roles.decorator';
import type { ChangeRequestView } from './change-handler';
import { DualControl } from './dual-control.service';

const ListQuery = z
  .object({
    status: z.enum(['pending', 'executed', 'rejected', 'failed']).optional(),
    kind: z
      .string()
      .regex(/^[a-z][a-z0-9_.]{0,63}$/)
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();
const RejectBody = z.object({ reason: z.string() }).strict();

/** `/v1/changes`: the maker–checker queue of this deployment (admin). */
@ApiTags('dual control')
@Roles('admin')
@Controller('v1/changes')
export class ChangesController {
  constructor(private readonly dual: DualControl) {}

  @Get()
  @ApiOperation({ summary: 'List change requests, newest first (?status=pending&kind=…&limit=…)' })
  async list(@Query() query: unknown): Promise<{ changes: ChangeRequestView[] }> {
    return { changes: await this.dual.list(parseWith(ListQuery, query)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One change request' })
  get(@Param('id') id: string): Promise<ChangeRequestView> {
    return this.dual.get(id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Approve and execute a change: a second admin (different key and owner than the maker), on the API that recorded it',
  })
  approve(@CurrentPrincipal() by: Principal, @Param('id') id: string): Promise<ChangeRequestView> {
    return this.dual.approve(id, by);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a pending change (any admin; the maker withdraws their own this way)' })
  reject(
    @CurrentPrincipal() by: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<ChangeRequestView> {
    return this.dual.reject(id, by, parseWith(RejectBody, body ?? {}).reason);
  }
}
