import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CurrentPrincipal,
  DualControl,
  inClientScope,
  Roles,
  type ChangeRequestView,
  type Principal,
} from '@strongroom/api-auth';
import { parseWith } from '@strongroom/shared-http';
import { z } from 'zod';
import type { PipelineDeps } from '../core/deps';
import { assertPolicyClient, POLICY_CHANGE_KIND } from '../policy/policy-change.handler';
import { parsePolicyChange } from '../policy/policy-input';
import { policyJson, PolicyService } from '../policy/policy.service';
import { PIPELINE_DEPS } from '../withdrawals.tokens';

/** Asset defaults are visible to every reader; a client's override only within the reader's scope. */
const visible = (p: Principal, clientId: string) => clientId === '*' || inClientScope(p, clientId);

@ApiTags('policies')
@Controller('v1/withdrawal-policies')
export class PoliciesController {
  constructor(
    private readonly policies: PolicyService,
    private readonly dualControl: DualControl,
    @Inject(PIPELINE_DEPS) private readonly deps: PipelineDeps,
  ) {}

  @Roles('approver', 'auditor')
  @Get()
  @ApiOperation({ summary: 'Policies in the caller’s client scope (asset defaults have clientId "*")' })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, string>,
  ): Promise<{ items: Record<string, unknown>[] }> {
    const { asset } = parseWith(z.object({ asset: z.string().max(16).optional() }).strict(), query);
    return { items: (await this.policies.list(asset)).filter((p) => visible(principal, p.clientId)).map(policyJson) };
  }

  @Roles('approver', 'auditor')
  @Get('changes')
  @ApiOperation({ summary: 'The change log of policies in the caller’s client scope: before/after, who and when' })
  async changes(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, string>,
  ): Promise<{ items: Record<string, unknown>[] }> {
    const { asset } = parseWith(z.object({ asset: z.string().max(16).optional() }).strict(), query);
    return { items: (await this.policies.changes(asset)).filter((c) => visible(principal, c.clientId as string)) };
  }

  @Roles('admin')
  @Put(':asset/:clientId')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Propose the policy of an asset ("*" = the asset default) or of one registered client',
    description:
      'Amounts are base-unit strings, each below 2^256; withdrawalFee below maxAmount; approvalsRequired 0–10. A policy that ' +
      'could never let a withdrawal through is refused (policy.invalid, reason never_passes). Answers 202 with the pending ' +
      'change (kind withdrawals.policy); a second admin of another owner approves it at POST /v1/changes/:id/approve.',
  })
  async put(
    @CurrentPrincipal() principal: Principal,
    @Param('asset') asset: string,
    @Param('clientId') clientId: string,
    @Body() body: unknown,
  ): Promise<ChangeRequestView> {
    // Everything the approval will check is checked now too, so a change that cannot execute is never proposed.
    const { payload, input } = parsePolicyChange(this.deps, { asset, clientId, policy: body ?? {} });
    await assertPolicyClient(this.deps.db, payload.clientId);
    await this.policies.assertEffectiveCanPass(this.deps.db, payload.asset, payload.clientId, input);
    return this.dualControl.propose(principal, POLICY_CHANGE_KIND, payload);
  }

  @Roles('admin')
  @Post(':asset/breaker/reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-open an asset paused by its velocity circuit breaker (admin only, audited)' })
  reset(
    @CurrentPrincipal() principal: Principal,
    @Param('asset') asset: string,
  ): Promise<{ asset: string; paused: boolean }> {
    return this.policies.reset(principal, this.deps.assets.get(asset).code);
  }
}
