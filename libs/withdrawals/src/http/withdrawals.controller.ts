import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthErrors, CurrentPrincipal, Roles, type Principal } from '@strongroom/api-auth';
import { parseWith } from '@strongroom/shared-http';
import { domainError } from '@strongroom/shared-types';
import { WithdrawalService } from '../requests/withdrawal.service';
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
      'Body: {clientId, userId, asset, amount (base units, digits only: "40000000" satoshi), destination, memo?, reference?}; ' +
      'an amount with a decimal point → 400 amount.base_units_expected. The answer carries amount and fee in base units ' +
      'and display.amount / display.fee in asset units for people. ' +
      'Places a ledger hold and applies the policy in one transaction. 201 when created; a retry with the same ' +
      'Idempotency-Key and body answers 200 with the original; another body → 409 idempotency.conflict. ' +
      'A policy denial is recorded and answered 422 with the rule that fired. Backend keys only (not admin), for a ' +
      'registered, active client in the key’s scope (403 auth.forbidden_client, 404 client.not_found, 422 client.suspended); ' +
      'no policy for the asset and client → 422 withdrawal.no_policy, nothing held.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  async request(
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Withdrawal> {
    // Strictly backend: an admin (who passes every role check) must not be able to push a withdrawal through alone.
    if (principal.role !== 'backend')
      throw domainError(AuthErrors['auth.forbidden_role'], 'only a backend key may request withdrawals', {
        role: principal.role,
      });
    const idempotencyKey = idempotencyKeyOf(key);
    const input = parseWith(withdrawalRequestSchema, body);
    const { withdrawal, created } = await this.withdrawals.request(principal, idempotencyKey, input);
    res.status(created ? 201 : 200);
    return withdrawal;
  }

  @Roles('backend', 'auditor')
  @Get()
  @ApiOperation({
    summary:
      'List withdrawals (newest first) of the clients in the key’s scope, filtered by clientId, userId, asset, status, batchId; cursor-paginated',
  })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, string>,
  ): Promise<{ items: Withdrawal[]; nextCursor: string | null }> {
    const q = parseWith(listQuerySchema, query);
    return this.withdrawals.list({ ...q, status: q.status as WithdrawalStatus | undefined }, principal);
  }

  @Roles('backend', 'approver', 'auditor')
  @Get(':id')
  @ApiOperation({ summary: 'One withdrawal with its approvals, transaction id and decision history' })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<Withdrawal> {
    return this.withdrawals.get(id, { history: true, viewer: principal });
  }

  @Roles('backend')
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a withdrawal not yet being signed; its hold is voided' })
  cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<Withdrawal> {
    const { reason } = parseWith(cancelSchema, body ?? {});
    return this.withdrawals.cancel(principal, id, reason);
  }
}
