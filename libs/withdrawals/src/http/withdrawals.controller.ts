import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles, type Principal } from '@strongroom/api-auth';
import { parseWith } from '@strongroom/shared-http';
import { WithdrawalService } from '../withdrawal.service';
import type { Withdrawal, WithdrawalStatus } from '../withdrawal.types';
import { cancelSchema, idempotencyKeyOf, listQuerySchema, withdrawalRequestSchema } from './schemas';

@ApiTags('withdrawals')
@Controller('v1/withdrawals')
export class WithdrawalsController {
  constructor(private readonly withdrawals: WithdrawalService) {}

  @Roles('backend')
  @Post()
  @ApiOperation({
    summary: 'Request a withdrawal',
    description:
      'Body: {clientId, userId, asset, amount (asset units, decimal string), destination, memo?, reference?}. ' +
      'Places a ledger hold and applies the policy in one transaction. 201 when created; a retry with the same ' +
      'Idempotency-Key and body answers 200 with the original; another body → 409 idempotency.conflict. ' +
      'A policy denial is recorded and answered 422 with the rule that fired.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  async request(
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Withdrawal> {
    const idempotencyKey = idempotencyKeyOf(key);
    const input = parseWith(withdrawalRequestSchema, body);
    const { withdrawal, created } = await this.withdrawals.request(principal, idempotencyKey, input);
    res.status(created ? 201 : 200);
    return withdrawal;
  }

  @Roles('backend', 'auditor')
  @Get()
  @ApiOperation({ summary: 'List withdrawals (newest first), filtered by clientId, userId, asset, status, batchId; cursor-paginated' })
  list(@Query() query: Record<string, string>): Promise<{ items: Withdrawal[]; nextCursor: string | null }> {
    const q = parseWith(listQuerySchema, query);
    return this.withdrawals.list({ ...q, status: q.status as WithdrawalStatus | undefined });
  }

  @Roles('backend', 'approver', 'auditor')
  @Get(':id')
  @ApiOperation({ summary: 'One withdrawal with its approvals, transaction id and decision history' })
  get(@Param('id') id: string): Promise<Withdrawal> {
    return this.withdrawals.get(id, { history: true });
  }

  @Roles('backend')
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a withdrawal not yet being signed; its hold is voided' })
  cancel(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown): Promise<Withdrawal> {
    const { reason } = parseWith(cancelSchema, body ?? {});
    return this.withdrawals.cancel(principal, id, reason);
  }
}
