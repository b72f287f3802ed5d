import { Body, Controller, Get, HttpCode, Inject, Logger, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { assertClientScope, AuthErrors, CurrentPrincipal, Roles, type Principal } from '@strongroom/api-auth';
import { domainError } from '@strongroom/shared-types';
import { parseWith } from '@strongroom/shared-http';
import { ReconciliationService } from '../reconciliation/reconciliation.service';
import { SegregationService } from '../segregation/segregation.service';
import { SnapshotService } from '../snapshot/snapshot.service';
import { LiabilitiesService } from '../proof/liabilities.service';
import { ProofOfAssetsService } from '../assets/proof-of-assets.service';

const id = z.string().uuid();
// Unknown fields are refused everywhere (a misspelt field must not be silently ignored).
const listQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) });
const balancesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
  afterClient: z.string().optional(),
  afterUser: z.string().optional(),
  afterAsset: z.string().optional(),
});
const holdingsQuery = z.strictObject({ asOf: z.string().datetime({ offset: true }).optional() });
const reconcileBody = z.strictObject({ snapshotId: id });
const segregationQuery = z.strictObject({ snapshotId: id });
const assetsBody = z.strictObject({ challenge: z.string().min(8).max(1000), snapshotId: id.optional() });
/** A snapshot takes no parameters: no body, or an empty object. */
const snapshotBody = z.strictObject({}).optional();

/**
 * Operator-wide routes (every client's balances, reconciliations, proofs of assets, taking
 * snapshots) need a key scoped to every client; a client's own auditor gets 403 there.
 */
function assertAllClients(who: Principal): void {
  if (who.clients !== 'all') {
    throw domainError(
      AuthErrors['auth.forbidden_client'],
      'this route covers every client; this API key is scoped to some clients only',
      { clients: 'all' },
    );
  }
}

/**
 * Snapshots, per-user holdings, reconciliations and segregation reports. Client-scoped keys (a
 * client's auditor, a backend) read only their clients' holdings, proofs and segregation reports,
 * plus what every client may see of a snapshot (its metadata and published root).
 */
@ApiTags('compliance')
@Controller('v1')
export class ComplianceController {
  private readonly logger = new Logger('Compliance');

  constructor(
    @Inject(SnapshotService) private readonly snapshots: SnapshotService,
    @Inject(ReconciliationService) private readonly reconciliations: ReconciliationService,
    @Inject(SegregationService) private readonly segregation: SegregationService,
    @Inject(LiabilitiesService) private readonly liabilities: LiabilitiesService,
    @Inject(ProofOfAssetsService) private readonly proofOfAssets: ProofOfAssetsService,
  ) {}

  @Post('proof-of-assets')
  @Roles('auditor', 'admin')
  @ApiOperation({
    summary: "Every custody key signs the auditor's challenge through KMS; lists holdings at the snapshot heights",
  })
  proveAssets(@Body() body: unknown, @CurrentPrincipal() who: Principal) {
    assertAllClients(who);
    const b = parseWith(assetsBody, body);
    return this.proofOfAssets.prove(b.challenge, b.snapshotId ?? null);
  }

  @Post('snapshots/:id/liabilities')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Build and publish the proof-of-liabilities root of a complete snapshot (idempotent)' })
  publishLiabilities(@Param('id') snapshotId: string, @CurrentPrincipal() who: Principal) {
    assertAllClients(who);
    return this.liabilities.publish(parseWith(id, snapshotId), { id: who.keyId, role: who.role });
  }

  @Get('snapshots/:id/liabilities')
  @Roles('backend', 'auditor')
  @ApiOperation({ summary: 'The published root, totals and asset order of a snapshot' })
  publishedLiabilities(@Param('id') snapshotId: string) {
    return this.liabilities.published(parseWith(id, snapshotId));
  }

  @Get('snapshots/:id/liabilities/proofs/:clientId/:userId')
  @Roles('backend', 'auditor')
  @ApiOperation({
    summary:
      "A user's inclusion proof, to hand to the user (verify with `strongroom proof verify` or the verifier page)",
  })
  userProof(
    @Param('id') snapshotId: string,
    @Param('clientId') clientId: string,
    @Param('userId') userId: string,
    @CurrentPrincipal() who: Principal,
  ) {
    assertClientScope(who, clientId);
    return this.liabilities.proof(parseWith(id, snapshotId), clientId, userId);
  }

  @Post('snapshots')
  @HttpCode(202)
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Take a user balance snapshot; it completes in the background (poll rowsDone/status)' })
  async takeSnapshot(@Body() body: unknown, @CurrentPrincipal() who: Principal) {
    assertAllClients(who);
    parseWith(snapshotBody, body);
    const snap = await this.snapshots.start(`${who.role}:${who.keyId}`);
    this.snapshots.run(snap.id).catch((e: Error) => this.logger.error(`snapshot ${snap.id} failed: ${e.message}`));
    return snap;
  }

  @Get('snapshots')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'List snapshots, newest first' })
  listSnapshots(@Query() q: unknown) {
    return this.snapshots.list(parseWith(listQuery, q).limit);
  }

  @Get('snapshots/:id')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'One snapshot with its sequence, chain tips, prices, totals and content hash' })
  getSnapshot(@Param('id') snapshotId: string) {
    return this.snapshots.get(parseWith(id, snapshotId));
  }

  @Get('snapshots/:id/balances')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: "A page of a snapshot's user balances, in content-hash order" })
  async snapshotBalances(@Param('id') snapshotId: string, @Query() q: unknown, @CurrentPrincipal() who: Principal) {
    assertAllClients(who);
    const p = parseWith(balancesQuery, q);
    const after =
      p.afterClient !== undefined && p.afterUser !== undefined && p.afterAsset !== undefined
        ? { clientId: p.afterClient, userId: p.afterUser, asset: p.afterAsset }
        : null;
    const rows = await this.snapshots.balances(parseWith(id, snapshotId), after, p.limit);
    return { balances: rows.map((r) => ({ ...r, balance: r.balance.toString() })) };
  }

  @Get('clients/:clientId/users/:userId/holdings')
  @Roles('backend', 'auditor')
  @ApiOperation({ summary: "A user's holdings with valuation, now or as of a time" })
  async holdings(
    @Param('clientId') clientId: string,
    @Param('userId') userId: string,
    @Query() q: unknown,
    @CurrentPrincipal() who: Principal,
  ) {
    assertClientScope(who, clientId);
    const { asOf } = parseWith(holdingsQuery, q);
    const r = await this.snapshots.userHoldings(clientId, userId, asOf ? new Date(asOf) : undefined);
    return { ...r, holdings: r.holdings.map((h) => ({ ...h, balance: h.balance.toString() })) };
  }

  @Post('reconciliations')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Reconcile a complete snapshot against the chains at its heights' })
  reconcile(@Body() body: unknown, @CurrentPrincipal() who: Principal) {
    assertAllClients(who);
    return this.reconciliations.reconcile(parseWith(reconcileBody, body).snapshotId, { id: who.keyId, role: who.role });
  }

  @Get('reconciliations')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'List reconciliations, newest first' })
  listReconciliations(@Query() q: unknown, @CurrentPrincipal() who: Principal) {
    assertAllClients(who);
    return this.reconciliations.list(parseWith(listQuery, q).limit);
  }

  @Get('reconciliations/:id')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'One reconciliation with every difference, its accounts and addresses' })
  getReconciliation(@Param('id') recId: string, @CurrentPrincipal() who: Principal) {
    assertAllClients(who);
    return this.reconciliations.get(parseWith(id, recId));
  }

  @Get('reserve-incidents')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Shortfalls raised by reconciliations' })
  incidents(@Query() q: unknown, @CurrentPrincipal() who: Principal) {
    assertAllClients(who);
    return this.reconciliations.incidents(parseWith(listQuery, q).limit);
  }

  @Get('clients/:clientId/segregation')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: "A segregated client's balances, the addresses holding them and whether they are covered" })
  segregationReport(@Param('clientId') clientId: string, @Query() q: unknown, @CurrentPrincipal() who: Principal) {
    assertClientScope(who, clientId);
    return this.segregation.report(parseWith(segregationQuery, q).snapshotId, clientId);
  }
}
