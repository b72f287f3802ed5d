import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@strongroom/api-auth';
import { parseWith } from '@strongroom/shared-http';
import { z } from 'zod';
import { ApprovalService } from '../approval.service';
import { WithdrawalService } from '../withdrawal.service';
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
  @ApiOperation({ summary: 'Withdrawals awaiting approval, oldest first' })
  async pending(@Query() query: Record<string, string>): Promise<{ items: Withdrawal[] }> {
    const { limit } = parseWith(z.object({ limit: z.coerce.number().int().min(1).max(500).optional() }).strict(), query);
    return { items: await this.approvals.pending(limit) };
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve (distinct approvers count; the requester can never approve: approval.self_approval)' })
  async approve(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<Withdrawal> {
    await this.approvals.approve(principal, id);
    return this.withdrawals.get(id, { history: true });
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject with a reason; the hold is voided' })
  async reject(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown): Promise<Withdrawal> {
    const { reason } = parseWith(rejectSchema, body);
    await this.approvals.reject(principal, id, reason);
    return this.withdrawals.get(id, { history: true });
  }
}
