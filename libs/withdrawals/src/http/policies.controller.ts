import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@strongroom/api-auth';
import { parseWith } from '@strongroom/shared-http';
import type { AssetRegistry } from '@strongroom/shared-assets';
import { badRequest } from '@strongroom/shared-types';
import { Inject } from '@nestjs/common';
import { z } from 'zod';
import { adapterFor, type PipelineDeps } from '../pipeline/pipeline-deps';
import { policyJson, PolicyService } from '../policy/policy.service';
import { PIPELINE_DEPS } from '../withdrawals.tokens';
import { policySchema } from './schemas';

const CLIENT = /^(\*|[A-Za-z0-9._:@/-]{1,128})$/;

@ApiTags('policies')
@Controller('v1/withdrawal-policies')
export class PoliciesController {
  constructor(
    private readonly policies: PolicyService,
    @Inject(PIPELINE_DEPS) private readonly deps: PipelineDeps,
  ) {}

  @Roles('approver', 'auditor')
  @Get()
  @ApiOperation({ summary: 'Every policy (asset defaults have clientId "*")' })
  async list(@Query() query: Record<string, string>): Promise<{ items: Record<string, unknown>[] }> {
    const { asset } = parseWith(z.object({ asset: z.string().max(16).optional() }).strict(), query);
    return { items: (await this.policies.list(asset)).map(policyJson) };
  }

  @Roles('approver', 'auditor')
  @Get('changes')
  @ApiOperation({ summary: 'The change log of policies: before/after, who and when' })
  async changes(@Query() query: Record<string, string>): Promise<{ items: Record<string, unknown>[] }> {
    const { asset } = parseWith(z.object({ asset: z.string().max(16).optional() }).strict(), query);
    return { items: await this.policies.changes(asset) };
  }

  @Roles('admin')
  @Put(':asset/:clientId')
  @ApiOperation({
    summary: 'Create or replace the policy of an asset ("*" = the asset default) or of one client',
    description: 'Amounts are base-unit strings. Recorded in the change log and the audit log. Admin only.',
  })
  async put(@CurrentPrincipal() principal: Principal, @Param('asset') asset: string, @Param('clientId') clientId: string, @Body() body: unknown): Promise<Record<string, unknown>> {
    const info = this.assets().get(asset);
    if (!CLIENT.test(clientId)) throw badRequest('request.invalid', 'clientId must be "*" or a client id');
    const p = parseWith(policySchema, body);
    let allowlist: string[] | null = null;
    if (p.allowlist) {
      const adapter = adapterFor(this.deps, info.chain);
      allowlist = p.allowlist.map((a) => {
        const c = adapter.validateAddress(a);
        if (!c.ok) throw badRequest(c.code, `allowlist entry ${a}: ${c.reason}`, { address: a });
        return c.normalized;
      });
    }
    const big = (v: string | null) => (v === null ? null : BigInt(v));
    const policy = await this.policies.put(principal, info.code, clientId, {
      maxAmount: big(p.maxAmount),
      userDailyLimit: big(p.userDailyLimit),
      clientDailyLimit: big(p.clientDailyLimit),
      allowlist,
      approvalThreshold: big(p.approvalThreshold),
      approvalsRequired: p.approvalsRequired,
      breakerWindowSeconds: p.breakerWindowSeconds,
      breakerLimit: big(p.breakerLimit),
      withdrawalFee: BigInt(p.withdrawalFee),
    });
    return policyJson(policy);
  }

  @Roles('admin')
  @Post(':asset/breaker/reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-open an asset paused by its circuit breaker (admin only, audited)' })
  reset(@CurrentPrincipal() principal: Principal, @Param('asset') asset: string): Promise<{ asset: string; paused: boolean }> {
    return this.policies.reset(principal, this.assets().get(asset).code);
  }

  private assets(): AssetRegistry {
    return this.deps.assets;
  }
}
