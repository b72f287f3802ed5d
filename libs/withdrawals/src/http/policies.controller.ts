import { Controller, Get, HttpCode, Inject, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal, DualControl, Roles, type ChangeRequestView, type Principal } from '@strongroom/api-auth';
import { AssetErrors } from '@strongroom/shared-assets';
import { ApiContract, ContractBody, ContractParams, ContractQuery, page } from '@strongroom/shared-http';
import type { PipelineDeps } from '../core/deps';
import { assertPolicyClient, POLICY_CHANGE_KIND, POLICY_CHANGE_REFUSALS } from '../policy/policy-change.handler';
import { parsePolicyChange } from '../policy/policy-input';
import { policyBodySchema } from '../policy/policy-schema';
import { policyJson, PolicyService } from '../policy/policy.service';
import type { PolicyChange } from '../policy/policy.types';
import { PIPELINE_DEPS } from '../withdrawals.tokens';
import { BreakerResetWire, PolicyChangeWire, PolicyWire } from './policy-wire';
import { PROPOSAL_REFUSALS, PROPOSED } from './proposal';
import { assetParams, noBody, policyListQuery } from './schemas';

const policyParams = assetParams.extend({
  clientId: z.string().meta({ description: '`*` for the asset default, else a registered client’s id.' }),
});

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
  @ApiContract({
    summary: 'Withdrawal policies',
    description:
      'By asset, then client id (the asset default, clientId `*`, before the overrides): every asset default, and ' +
      'the overrides of the clients in the key’s scope.',
    query: policyListQuery,
    responses: { 200: page(PolicyWire) },
  })
  async list(
    @CurrentPrincipal() principal: Principal,
    @ContractQuery() q: z.infer<typeof policyListQuery>,
  ): Promise<{ data: Record<string, unknown>[]; nextCursor: string | null }> {
    const { data, nextCursor } = await this.policies.list(q, principal);
    return { data: data.map(policyJson), nextCursor };
  }

  @Roles('approver', 'auditor')
  @Get('changes')
  @ApiContract({
    summary: 'The change log of withdrawal policies',
    description:
      'Oldest first: before and after, who proposed it and when; of the asset defaults and of the clients in the ' +
      'key’s scope.',
    query: policyListQuery,
    responses: { 200: page(PolicyChangeWire) },
  })
  changes(
    @CurrentPrincipal() principal: Principal,
    @ContractQuery() q: z.infer<typeof policyListQuery>,
  ): Promise<{ data: PolicyChange[]; nextCursor: string | null }> {
    return this.policies.changes(q, principal);
  }

  @Roles('admin')
  @Put(':asset/:clientId')
  @HttpCode(202)
  @ApiContract({
    summary: 'Propose the policy of an asset (clientId `*`) or of one registered client',
    description:
      'Amounts are base-unit strings, each below 2^256; withdrawalFee below maxAmount; approvalsRequired 0–10. A policy ' +
      'that could never let a withdrawal through is refused (422 `policy.invalid`, reason `never_passes`), checked on ' +
      'the effective policy (an override over the default; a new default under every override). Answers 202 with the ' +
      'pending change (kind `withdrawals.policy`); a second admin of another owner approves it at ' +
      '`POST /v1/changes/:id/approve`.',
    params: policyParams,
    body: policyBodySchema,
    responses: PROPOSED,
    errors: [...POLICY_CHANGE_REFUSALS, ...PROPOSAL_REFUSALS],
  })
  async put(
    @CurrentPrincipal() principal: Principal,
    @ContractParams() { asset, clientId }: z.infer<typeof policyParams>,
    @ContractBody() policy: z.infer<typeof policyBodySchema>,
  ): Promise<ChangeRequestView> {
    // Everything the approval will check is checked now too, so a change that cannot execute is never proposed.
    const { payload, input } = parsePolicyChange(this.deps, { asset, clientId, policy });
    await assertPolicyClient(this.deps.db, payload.clientId);
    await this.policies.assertEffectiveCanPass(this.deps.db, payload.asset, payload.clientId, input);
    return this.dualControl.propose(principal, POLICY_CHANGE_KIND, payload);
  }

  @Roles('admin')
  @Post(':asset/breaker/reset')
  @HttpCode(200)
  @ApiContract({
    summary: 'Re-open an asset paused by its velocity circuit breaker',
    description:
      'Admin only, audited. Outflows already counted stay counted: the window rolls on by itself. A single-admin ' +
      'action: it re-opens what the policy already allows.',
    params: assetParams,
    body: noBody,
    responses: { 200: BreakerResetWire },
    errors: [AssetErrors['asset.unknown']],
  })
  reset(
    @CurrentPrincipal() principal: Principal,
    @ContractParams() { asset }: z.infer<typeof assetParams>,
  ): Promise<{ asset: string; paused: boolean }> {
    return this.policies.reset(principal, this.deps.assets.get(asset).code);
  }
}
