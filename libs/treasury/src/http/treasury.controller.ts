import { Controller, Get, HttpCode, Inject, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import {
  AuthErrors,
  ChangeRequestWire,
  CurrentPrincipal,
  DualControl,
  Roles,
  type ChangeRequestView,
  type Principal,
} from '@strongroom/api-auth';
import { AuditLog } from '@strongroom/audit';
import type { Database } from '@strongroom/persistence';
import { AssetRegistry } from '@strongroom/shared-assets';
import {
  ApiContract,
  ContractBody,
  ContractParams,
  ContractQuery,
  DATABASE,
  encodeCursor,
  page,
} from '@strongroom/shared-http';
import { latestReadings } from '../float/float-reading';
import { assertOwner, POLICY_CHANGE_KIND, POLICY_CHANGE_REFUSALS } from '../policy/policy-change.handler';
import { parsePolicyChange } from '../rules/policy-input';
import { policyJson, PolicyStore } from '../policy/policy-store';
import { approveRebalance } from '../rebalances/rebalance-approvals';
import { listRebalances } from '../rebalances/rebalance-store';
import { TreasuryErrors as E } from '../treasury.errors';
import { floatJson, rebalanceJson } from './treasury-json';
import { beforeSeq, byRebalance, noBody, noQuery, ownersOf, policyParams, rebalanceQuery } from './treasury-inputs';
import { FloatPolicyWire, FloatWire, PolicyBodyWire, RebalanceWire } from './treasury-wire';

const SCOPE =
  'A key scoped to some clients sees their floats only; the operator’s pool (`operator`) needs a key scoped to all.';

/** The hot floats, their policies and the rebalances between hot and cold wallets. */
@ApiTags('treasury')
@Controller('v1/treasury')
export class TreasuryController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(PolicyStore) private readonly policies: PolicyStore,
    @Inject(AssetRegistry) private readonly assets: AssetRegistry,
    private readonly dualControl: DualControl,
  ) {}

  @Get('float')
  @Roles('approver', 'auditor')
  @ApiContract({
    summary: 'The current hot float of every asset and owner',
    operationId: 'treasuryFloat',
    description: `The latest reading of each float: balance, target, bounds, the inputs read, the outcome. ${SCOPE}`,
    query: noQuery,
    responses: { 200: page(FloatWire) },
  })
  async float(@CurrentPrincipal() who: Principal) {
    return { data: (await latestReadings(this.db, ownersOf(who))).map(floatJson), nextCursor: null };
  }

  @Get('policies')
  @Roles('approver', 'auditor')
  @ApiContract({
    summary: 'Float policies',
    operationId: 'treasuryPolicies',
    description: `By asset, then owner. ${SCOPE}`,
    query: noQuery,
    responses: { 200: page(FloatPolicyWire) },
  })
  async listPolicies(@CurrentPrincipal() who: Principal) {
    return { data: (await this.policies.list(ownersOf(who))).map(policyJson), nextCursor: null };
  }

  @Put('policies/:asset/:clientId')
  @Roles('admin')
  @HttpCode(202)
  @ApiContract({
    summary: 'Propose the float policy of an asset for a client or the operator’s pool',
    operationId: 'treasuryPolicyPut',
    description:
      'A policy moves risk (how much sits online): answers 202 with the pending change (kind `treasury.policy`); a ' +
      'second admin of another owner approves it at `POST /v1/changes/:id/approve`.',
    params: policyParams,
    body: PolicyBodyWire,
    responses: { 202: ChangeRequestWire },
    errors: [...POLICY_CHANGE_REFUSALS, AuthErrors['change.invalid_payload']],
  })
  async putPolicy(
    @CurrentPrincipal() who: Principal,
    @ContractParams() { asset, clientId }: z.infer<typeof policyParams>,
    @ContractBody() body: z.infer<typeof PolicyBodyWire>,
  ): Promise<ChangeRequestView> {
    const payload = { asset, owner: clientId, ...body };
    // Everything the approval checks is checked now too: a change that cannot execute is never proposed.
    parsePolicyChange(this.assets, payload);
    await assertOwner(this.db, clientId);
    return this.dualControl.propose(who, POLICY_CHANGE_KIND, payload);
  }

  @Get('rebalances')
  @Roles('approver', 'auditor')
  @ApiContract({
    summary: 'Rebalances between hot and cold wallets: pending and history',
    operationId: 'treasuryRebalances',
    description: `Newest first. ${SCOPE}`,
    query: rebalanceQuery,
    responses: { 200: page(RebalanceWire) },
  })
  async rebalances(@CurrentPrincipal() who: Principal, @ContractQuery() q: z.infer<typeof rebalanceQuery>) {
    const statuses =
      q.status === 'open' ? (['planned', 'pending_approval'] as const) : q.status ? [q.status] : undefined;
    const rows = await listRebalances(this.db, {
      statuses,
      owners: ownersOf(who),
      beforeSeq: beforeSeq(q.cursor),
      limit: q.limit + 1,
    });
    const data = rows.slice(0, q.limit);
    const next = rows.length > q.limit ? encodeCursor({ seq: `${data[data.length - 1].seq}` }) : null;
    return { data: data.map(rebalanceJson), nextCursor: next };
  }

  @Post('rebalances/:id/approve')
  @Roles('approver', 'admin')
  @HttpCode(200)
  @ApiContract({
    summary: 'Approve a cold → hot replenishment',
    operationId: 'treasuryRebalanceApprove',
    description:
      'One approval per person (owner), not per key; the quorum reached moves it to `approved`. The rebalance’s ' +
      `owner must be in the key’s scope. ${SCOPE}`,
    params: byRebalance,
    body: noBody,
    responses: { 200: RebalanceWire },
    errors: [
      AuthErrors['auth.forbidden_client'],
      E['rebalance.not_found'],
      E['rebalance.not_pending'],
      E['rebalance.same_person'],
    ],
  })
  async approve(@CurrentPrincipal() who: Principal, @ContractParams() { id }: z.infer<typeof byRebalance>) {
    return rebalanceJson(await approveRebalance(this.db, new AuditLog(this.db), id, who));
  }
}
