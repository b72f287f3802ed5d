import { Controller, Get, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { AuthErrors, CurrentPrincipal, Roles, type Principal } from '@strongroom/api-auth';
import { ApiContract, ContractBody, ContractParams, ContractQuery, page } from '@strongroom/shared-http';
import { ComplianceErrors as E } from '../compliance.errors';
import { ReconciliationService } from '../reconciliation/reconciliation.service';
import { SegregationService } from '../segregation/segregation.service';
import {
  afterRow,
  byClient,
  byReconciliation,
  listQuery,
  newestFirstPage,
  reconcileBody,
  segregationQuery,
} from './compliance-inputs';
import { AllClientsGuard, PathClientGuard } from './client-scope.guards';
import { ReconciliationWire, ReserveIncidentWire, SegregationReportWire } from './compliance-wire';

const ALL_CLIENTS = 'A key scoped to every client only (403 `auth.forbidden_client` otherwise).';

/** Reconciliations of snapshots against the chains, the shortfalls they raise, and segregation reports. */
@ApiTags('compliance')
@Controller('v1')
export class ReconciliationsController {
  constructor(
    @Inject(ReconciliationService) private readonly reconciliations: ReconciliationService,
    @Inject(SegregationService) private readonly segregation: SegregationService,
  ) {}

  @Post('reconciliations')
  @Roles('auditor', 'admin')
  @UseGuards(AllClientsGuard)
  @ApiContract({
    summary: 'Reconcile a complete snapshot against the chains at its heights',
    description:
      'Per asset: liabilities against what custody holds on chain at the snapshot heights (less confirming ' +
      'deposits, plus mined unsettled withdrawals), and the ledger’s custody accounts against the chain. A shortfall ' +
      'raises a reserve incident and the shortfall metric. 409 `reconciliation.chain_changed` when a snapshot ' +
      `block was reorganised away. ${ALL_CLIENTS}`,
    body: reconcileBody,
    responses: { 201: ReconciliationWire },
    errors: [
      AuthErrors['auth.forbidden_client'],
      E['snapshot.not_found'],
      E['snapshot.not_complete'],
      E['reconciliation.chain_changed'],
    ],
  })
  reconcile(@ContractBody() b: z.infer<typeof reconcileBody>, @CurrentPrincipal() who: Principal) {
    return this.reconciliations.reconcile(b.snapshotId, { id: who.keyId, role: who.role });
  }

  @Get('reconciliations')
  @Roles('auditor', 'admin')
  @UseGuards(AllClientsGuard)
  @ApiContract({
    summary: 'List reconciliations',
    description: `Newest first, each with its per-asset summary and every difference. ${ALL_CLIENTS}`,
    query: listQuery,
    responses: { 200: page(ReconciliationWire) },
    errors: [AuthErrors['auth.forbidden_client']],
  })
  async list(@ContractQuery() q: z.infer<typeof listQuery>) {
    return newestFirstPage(await this.reconciliations.list(q.limit + 1, afterRow(q.cursor)), q.limit);
  }

  @Get('reconciliations/:id')
  @Roles('auditor', 'admin')
  @UseGuards(AllClientsGuard)
  @ApiContract({
    summary: 'One reconciliation with every difference, its accounts and addresses',
    description: ALL_CLIENTS,
    params: byReconciliation,
    responses: { 200: ReconciliationWire },
    errors: [AuthErrors['auth.forbidden_client'], E['reconciliation.not_found']],
  })
  get(@ContractParams() { id }: z.infer<typeof byReconciliation>) {
    return this.reconciliations.get(id);
  }

  @Get('reserve-incidents')
  @Roles('auditor', 'admin')
  @UseGuards(AllClientsGuard)
  @ApiContract({
    summary: 'Shortfalls raised by reconciliations',
    operationId: 'reserveIncidentsList',
    description: `Newest first, each with the difference that raised it. ${ALL_CLIENTS}`,
    query: listQuery,
    responses: { 200: page(ReserveIncidentWire) },
    errors: [AuthErrors['auth.forbidden_client']],
  })
  async incidents(@ContractQuery() q: z.infer<typeof listQuery>) {
    return newestFirstPage(await this.reconciliations.incidents(q.limit + 1, afterRow(q.cursor)), q.limit);
  }

  @Get('clients/:clientId/segregation')
  @Roles('auditor', 'admin')
  @UseGuards(PathClientGuard)
  @ApiContract({
    summary: "A segregated client's balances, the addresses holding them and whether they are covered",
    operationId: 'segregationReport',
    description:
      "One report per snapshot: per asset, the client's user balances against what its own custody wallets held " +
      "at the snapshot heights, with the addresses; `covered` when every asset is. The client must be in the key's " +
      'scope.',
    params: byClient,
    query: segregationQuery,
    responses: { 200: SegregationReportWire },
    errors: [
      AuthErrors['auth.forbidden_client'],
      E['snapshot.not_found'],
      E['snapshot.not_complete'],
      E['reconciliation.chain_changed'],
    ],
  })
  report(
    @ContractParams() { clientId }: z.infer<typeof byClient>,
    @ContractQuery() q: z.infer<typeof segregationQuery>,
  ) {
    return this.segregation.report(q.snapshotId, clientId);
  }
}
