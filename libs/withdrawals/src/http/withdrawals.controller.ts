import { Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { AssetErrors } from '@strongroom/shared-assets';
import { AuthErrors, CurrentPrincipal, Roles, type Principal } from '@strongroom/api-auth';
import { ChainErrors } from '@strongroom/chains-core';
import { ApiContract, ContractBody, ContractParams, ContractQuery, page } from '@strongroom/shared-http';
import { AmountErrors, domainError } from '@strongroom/shared-types';
import { WithdrawalService } from '../requests/withdrawal.service';
import type { Withdrawal, WithdrawalStatus } from '../withdrawal.types';
import { WithdrawalErrors as E } from '../withdrawals.errors';
import {
  cancelSchema,
  idempotencyKeyOf,
  listQuerySchema,
  withdrawalIdParams as byId,
  withdrawalRequestSchema,
} from './schemas';
import { WithdrawalWire } from './withdrawal-wire';

@ApiTags('withdrawals')
@Controller('v1/withdrawals')
export class WithdrawalsController {
  constructor(private readonly withdrawals: WithdrawalService) {}

  @Roles('backend')
  @Post()
  @ApiContract({
    summary: 'Request a withdrawal',
    description:
      'Amount in base units, digits only (`"40000000"` satoshi); a decimal point is refused with ' +
      '`amount.base_units_expected`. Places a ledger hold and applies the policy in one transaction. 201 when created; ' +
      'a retry with the same Idempotency-Key and body answers 200 with the original; another body → 409 ' +
      '`idempotency.conflict`. A policy denial is recorded and answered 422 with the rule that fired. Backend keys ' +
      'only (not admin), for a registered, active client in the key’s scope; no policy for the asset and client → 422 ' +
      '`withdrawal.no_policy`, nothing held.',
    body: withdrawalRequestSchema,
    headers: [
      {
        name: 'Idempotency-Key',
        required: true,
        description: '1–128 characters of `A-Z a-z 0-9 . _ : -`; a retry with the same key and body has one effect.',
        schema: z.string(),
      },
    ],
    responses: { 200: WithdrawalWire, 201: WithdrawalWire },
    errors: [
      AuthErrors['auth.forbidden_client'],
      AuthErrors['client.not_found'],
      AuthErrors['client.suspended'],
      AmountErrors['amount.base_units_expected'],
      AmountErrors['amount.not_positive'],
      AssetErrors['asset.unknown'],
      AssetErrors['asset.not_configured'],
      E['user.unknown'],
      ChainErrors['address.malformed'],
      ChainErrors['address.checksum'],
      ChainErrors['address.wrong_network'],
      ChainErrors['address.refused'],
      E['idempotency.key_required'],
      E['idempotency.key_invalid'],
      E['idempotency.conflict'],
      E['withdrawal.no_policy'],
      E['withdrawal.insufficient_funds'],
      E['withdrawal.hold_refused'],
      E['policy.asset_paused'],
      E['policy.max_amount_exceeded'],
      E['policy.destination_not_allowed'],
      E['policy.velocity_user_exceeded'],
      E['policy.velocity_client_exceeded'],
      E['policy.circuit_breaker_tripped'],
      E['solvency.breaker_tripped'],
    ],
  })
  async request(
    @CurrentPrincipal() principal: Principal,
    @ContractBody() input: z.infer<typeof withdrawalRequestSchema>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Withdrawal> {
    // Strictly backend: an admin (who passes every role check) must not be able to push a withdrawal through alone.
    if (principal.role !== 'backend')
      throw domainError(AuthErrors['auth.forbidden_role'], 'only a backend key may request withdrawals', {
        role: principal.role,
      });
    const idempotencyKey = idempotencyKeyOf(res.req.header('idempotency-key'));
    const { withdrawal, created } = await this.withdrawals.request(principal, idempotencyKey, input);
    res.status(created ? 201 : 200);
    return withdrawal;
  }

  @Roles('backend', 'auditor')
  @Get()
  @ApiContract({
    summary: 'List withdrawals',
    description:
      'Newest first, of the clients in the key’s scope, filtered by clientId, userId, asset, status and batchId.',
    query: listQuerySchema,
    responses: { 200: page(WithdrawalWire) },
    errors: [AuthErrors['auth.forbidden_client']],
  })
  async list(
    @CurrentPrincipal() principal: Principal,
    @ContractQuery() q: z.infer<typeof listQuerySchema>,
  ): Promise<{ data: Withdrawal[]; nextCursor: string | null }> {
    return this.withdrawals.list({ ...q, status: q.status as WithdrawalStatus | undefined }, principal);
  }

  @Roles('backend', 'approver', 'auditor')
  @Get(':id')
  @ApiContract({
    summary: 'One withdrawal with its approvals, transaction id and decision history',
    description: 'Visible to keys whose client scope includes its client; others get withdrawal.not_found.',
    params: byId,
    responses: { 200: WithdrawalWire },
    errors: [AuthErrors['auth.forbidden_client'], E['withdrawal.not_found']],
  })
  get(@CurrentPrincipal() principal: Principal, @ContractParams() { id }: z.infer<typeof byId>): Promise<Withdrawal> {
    return this.withdrawals.get(id, { history: true, viewer: principal });
  }

  @Roles('backend')
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiContract({
    summary: 'Cancel a withdrawal not yet being signed; its hold is voided',
    description:
      'Held, awaiting approval, approved or batched (before signing): the hold is voided and the withdrawal leaves its batch. Later → 409 withdrawal.not_cancellable.',
    params: byId,
    body: cancelSchema.optional(),
    responses: { 200: WithdrawalWire },
    errors: [
      AuthErrors['auth.forbidden_client'],
      E['withdrawal.not_found'],
      E['withdrawal.not_cancellable'],
      E['withdrawal.state_changed'],
    ],
  })
  cancel(
    @CurrentPrincipal() principal: Principal,
    @ContractParams() { id }: z.infer<typeof byId>,
    @ContractBody() body: z.infer<typeof cancelSchema> | undefined,
  ): Promise<Withdrawal> {
    return this.withdrawals.cancel(principal, id, body?.reason);
  }
}
