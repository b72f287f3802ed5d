import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AuthErrors, CurrentPrincipal, Roles, type Principal } from '@strongroom/api-auth';
import { ApiContract, ContractBody, ContractParams, ContractQuery, page } from '@strongroom/shared-http';
import { ApprovalService } from '../requests/approval.service';
import { WithdrawalService } from '../requests/withdrawal.service';
import type { Withdrawal } from '../withdrawal.types';
import { WithdrawalErrors as E } from '../withdrawals.errors';
import { noBody, pageOnlyQuery, rejectSchema, withdrawalIdParams as byId } from './schemas';
import { WithdrawalWire } from './withdrawal-wire';

/** What approving or rejecting a withdrawal can be refused with, whoever decides. */
const DECISION_ERRORS = [
  AuthErrors['auth.forbidden_client'],
  E['withdrawal.not_found'],
  E['withdrawal.not_awaiting_approval'],
  E['approval.duplicate'],
  E['withdrawal.state_changed'],
];

@ApiTags('approvals')
@Roles('approver')
@Controller('v1/approvals')
export class ApprovalsController {
  constructor(
    private readonly approvals: ApprovalService,
    private readonly withdrawals: WithdrawalService,
  ) {}

  @Get()
  @ApiContract({
    summary: 'Withdrawals awaiting approval',
    description: 'Oldest first (the order they were requested in), of the clients in the key’s scope.',
    query: pageOnlyQuery,
    responses: { 200: page(WithdrawalWire) },
  })
  pending(
    @CurrentPrincipal() principal: Principal,
    @ContractQuery() q: z.infer<typeof pageOnlyQuery>,
  ): Promise<{ data: Withdrawal[]; nextCursor: string | null }> {
    return this.approvals.pending(q, principal);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiContract({
    summary: 'Approve a withdrawal',
    description:
      'Counts only from an approver key (an admin: 403 `approval.approver_role_required`) whose owner is not the ' +
      'requester’s (403 `approval.self_approval`) nor that of an approval already counted (403 `approval.same_owner`). ' +
      'Once enough distinct owners approved, the withdrawal is `approved`. Answers the withdrawal with its history.',
    params: byId,
    body: noBody,
    responses: { 200: WithdrawalWire },
    errors: [
      ...DECISION_ERRORS,
      E['approval.approver_role_required'],
      E['approval.self_approval'],
      E['approval.same_owner'],
    ],
  })
  async approve(
    @CurrentPrincipal() principal: Principal,
    @ContractParams() { id }: z.infer<typeof byId>,
  ): Promise<Withdrawal> {
    await this.approvals.approve(principal, id);
    return this.withdrawals.get(id, { history: true, viewer: principal });
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiContract({
    summary: 'Reject a withdrawal; its hold is voided',
    description:
      'With a reason (1–500 characters). Any approver (or admin) in scope may reject: refusing moves no money. ' +
      'Answers the withdrawal with its history.',
    params: byId,
    body: rejectSchema,
    responses: { 200: WithdrawalWire },
    errors: DECISION_ERRORS,
  })
  async reject(
    @CurrentPrincipal() principal: Principal,
    @ContractParams() { id }: z.infer<typeof byId>,
    @ContractBody() { reason }: z.infer<typeof rejectSchema>,
  ): Promise<Withdrawal> {
    await this.approvals.reject(principal, id, reason);
    return this.withdrawals.get(id, { history: true, viewer: principal });
  }
}
