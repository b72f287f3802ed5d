import { Body, Controller, Get, HttpCode, Inject, Logger, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal, Roles, type Principal } from '@strongroom/api-auth';
import { parseWith } from '@strongroom/shared-http';
import { ReconciliationService } from '../reconciliation/reconciliation.service';
import { SegregationService } from '../segregation/segregation.service';
import { SnapshotService } from '../snapshot/snapshot.service';
import { LiabilitiesService } from '../proof/liabilities.service';
import { ProofOfAssetsService } from '../assets/proof-of-assets.service';

const id = z.string().uuid();
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });
const balancesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
  afterClient: z.string().optional(),
  afterUser: z.string().optional(),
  afterAsset: z.string().optional(),
});
const holdingsQuery = z.object({ asOf: z.string().datetime({ offset: true }).optional() });
const reconcileBody = z.object({ snapshotId: id });
const segregationQuery = z.object({ snapshotId: id });
const assetsBody = z.object({ challenge: z.string().min(8).max(1000), snapshotId: id.optional() });

/** Snapshots, per-user holdings, reconciliations and segregation reports (DESIGN §6). */
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
  @ApiOperation({ summary: "Every custody key signs the auditor's challenge through KMS; lists holdings at the snapshot heights" })
  proveAssets(@Body() body: unknown) {
    const b = parseWith(assetsBody, body);
    return this.proofOfAssets.prove(b.challenge, b.snapshotId ?? null);
  }

  @Post('snapshots/:id/liabilities')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Build and publish the proof-of-liabilities root of a complete snapshot (idempotent)' })
  publishLiabilities(@Param('id') snapshotId: string, @CurrentPrincipal() who: Principal) {
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
  @ApiOperation({ summary: "A user's inclusion proof, to hand to the user (verify with `strongroom proof verify` or the verifier page)" })
  userProof(@Param('id') snapshotId: string, @Param('clientId') clientId: string, @Param('userId') userId: string) {
    return this.liabilities.proof(parseWith(id, snapshotId), clientId, userId);
  }

  @Post('snapshots')
  @HttpCode(202)
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Take a user balance snapshot; it completes in the background (poll rowsDone/status)' })
  async takeSnapshot(@CurrentPrincipal() who: Principal) {
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
  async snapshotBalances(@Param('id') snapshotId: string, @Query() q: unknown) {
    const p = parseWith(balancesQuery, q);
    const after = p.afterClient !== undefined && p.afterUser !== undefined && p.afterAsset !== undefined ? { clientId: p.afterClient, userId: p.afterUser, asset: p.afterAsset } : null;
    const rows = await this.snapshots.balances(parseWith(id, snapshotId), after, p.limit);
    return { balances: rows.map((r) => ({ ...r, balance: r.balance.toString() })) };
  }

  @Get('clients/:clientId/users/:userId/holdings')
  @Roles('backend', 'auditor')
  @ApiOperation({ summary: "A user's holdings with valuation, now or as of a time" })
  async holdings(@Param('clientId') clientId: string, @Param('userId') userId: string, @Query() q: unknown) {
    const { asOf } = parseWith(holdingsQuery, q);
    const r = await this.snapshots.userHoldings(clientId, userId, asOf ? new Date(asOf) : undefined);
    return { ...r, holdings: r.holdings.map((h) => ({ ...h, balance: h.balance.toString() })) };
  }

  @Post('reconciliations')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Reconcile a complete snapshot against the chains at its heights' })
  reconcile(@Body() body: unknown, @CurrentPrincipal() who: Principal) {
    return this.reconciliations.reconcile(parseWith(reconcileBody, body).snapshotId, { id: who.keyId, role: who.role });
  }

  @Get('reconciliations')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'List reconciliations, newest first' })
  listReconciliations(@Query() q: unknown) {
    return this.reconciliations.list(parseWith(listQuery, q).limit);
  }

  @Get('reconciliations/:id')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'One reconciliation with every difference, its accounts and addresses' })
  getReconciliation(@Param('id') recId: string) {
    return this.reconciliations.get(parseWith(id, recId));
  }

  @Get('reserve-incidents')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Shortfalls raised by reconciliations' })
  incidents(@Query() q: unknown) {
    return this.reconciliations.incidents(parseWith(listQuery, q).limit);
  }

  @Get('clients/:clientId/segregation')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: "A segregated client's balances, the addresses holding them and whether they are covered" })
  segregationReport(@Param('clientId') clientId: string, @Query() q: unknown) {
    return this.segregation.report(parseWith(segregationQuery, q).snapshotId, clientId);
  }
}
