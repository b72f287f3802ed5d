import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@strongroom/api-auth';
import { parseWith } from '@strongroom/shared-http';
import { z } from 'zod';
import { ApprovalService } from '../requests/approval.service';
import { WithdrawalService } from '../requests/withdrawal.service';
import type { Withdrawal } from '../withdrawal.types';
import { rejectSchema } from './schemas';

@ApiTags('approvals')
@Roles('approver')
@Controller('v1/approvals')
export class ApprovalsController {
  constructor(
    private readonly approvals: ApprovalService,
    private readonly withdrawals: WithdrawalService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Withdrawals awaiting approval in the key’s client scope, oldest first' })
  async pending(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, string>,
  ): Promise<{ items: Withdrawal[] }> {
    const { limit } = parseWith(
      z.object({ limit: z.coerce.number().int().min(1).max(500).optional() }).strict(),
      query,
    );
    return { items: await this.approvals.pending(limit, principal) };
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Approve: counts only from an approver key (admin: approval.approver_role_required) whose owner is not the requester’s ' +
      '(approval.self_approval) nor that of an approval already counted (approval.same_owner)',
  })
  async approve(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<Withdrawal> {
    await this.approvals.approve(principal, id);
    return this.withdrawals.get(id, { history: true, viewer: principal });
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject with a reason; the hold is voided' })
  async reject(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<Withdrawal> {
    const { reason } = parseWith(rejectSchema, body);
    await this.approvals.reject(principal, id, reason);
    return this.withdrawals.get(id, { history: true, viewer: principal });
  }
}
