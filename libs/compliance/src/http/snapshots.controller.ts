import { Controller, Get, HttpCode, Inject, Logger, Post, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { AuthErrors, CurrentPrincipal, Roles, type Principal } from '@strongroom/api-auth';
import {
  ApiContract,
  ContractBody,
  ContractParams,
  ContractQuery,
  decodeCursor,
  page,
  pageOf,
} from '@strongroom/shared-http';
import { ComplianceErrors as E } from '../compliance.errors';
import { SnapshotService, type Snapshot } from '../snapshot/snapshot.service';
import {
  AfterBalance,
  afterRow,
  bySnapshot,
  byUser,
  holdingsQuery,
  listQuery,
  newestFirstPage,
  noBody,
} from './compliance-inputs';
import { AllClientsGuard, PathClientGuard } from './client-scope.guards';
import { SnapshotBalanceWire, SnapshotWire, UserHoldingsWire } from './compliance-wire';

const PRICES = [E['prices.invalid'], E['prices.unavailable']];

/**
 * User balance snapshots and per-user holdings. Client-scoped keys read only their clients'
 * holdings, plus what every client may see of a snapshot (its record).
 */
@ApiTags('compliance')
@Controller('v1')
export class SnapshotsController {
  private readonly logger = new Logger('Compliance');

  constructor(@Inject(SnapshotService) private readonly snapshots: SnapshotService) {}

  @Post('snapshots')
  @HttpCode(202)
  @Roles('auditor', 'admin')
  @UseGuards(AllClientsGuard)
  @ApiContract({
    summary: 'Take a user balance snapshot',
    description:
      'Records the ledger sequence, the chain tips and the prices in force, and answers 202 with the running ' +
      'snapshot; it completes in the background (poll `GET /v1/snapshots/{id}` for `rowsDone` and `status`). ' +
      'Takes no parameters. A key scoped to every client only (403 `auth.forbidden_client` otherwise).',
    body: noBody,
    responses: { 202: SnapshotWire },
    errors: [AuthErrors['auth.forbidden_client'], ...PRICES],
  })
  async take(@ContractBody() _input: z.infer<typeof noBody>, @CurrentPrincipal() who: Principal): Promise<Snapshot> {
    const snap = await this.snapshots.start(`${who.role}:${who.keyId}`);
    this.snapshots.run(snap.id).catch((e: Error) => this.logger.error(`snapshot ${snap.id} failed: ${e.message}`));
    return snap;
  }

  @Get('snapshots')
  @Roles('auditor', 'admin')
  @ApiContract({
    summary: 'List snapshots',
    description: 'Newest first (by the time taken).',
    query: listQuery,
    responses: { 200: page(SnapshotWire) },
  })
  async list(@ContractQuery() q: z.infer<typeof listQuery>): Promise<{ data: Snapshot[]; nextCursor: string | null }> {
    return newestFirstPage(await this.snapshots.list(q.limit + 1, afterRow(q.cursor)), q.limit);
  }

  @Get('snapshots/:id')
  @Roles('auditor', 'admin')
  @ApiContract({
    summary: 'One snapshot with its sequence, chain tips, prices, totals and content hash',
    description:
      'The cut the snapshot was taken at (the ledger sequence), what it valued balances with, and the content hash that binds them.',
    params: bySnapshot,
    responses: { 200: SnapshotWire },
    errors: [E['snapshot.not_found']],
  })
  get(@ContractParams() { id }: z.infer<typeof bySnapshot>): Promise<Snapshot> {
    return this.snapshots.get(id);
  }

  @Get('snapshots/:id/balances')
  @Roles('auditor', 'admin')
  @UseGuards(AllClientsGuard)
  @ApiContract({
    summary: "A page of a snapshot's user balances",
    description:
      'In content-hash order (client, user, asset, compared as bytes): the order `contentHash` is computed over, ' +
      'so an auditor can recompute it page by page. A key scoped to every client only.',
    params: bySnapshot,
    query: listQuery,
    responses: { 200: page(SnapshotBalanceWire) },
    errors: [AuthErrors['auth.forbidden_client']],
  })
  async balances(@ContractParams() { id }: z.infer<typeof bySnapshot>, @ContractQuery() q: z.infer<typeof listQuery>) {
    const after = q.cursor === undefined ? null : decodeCursor(AfterBalance, q.cursor);
    const rows = await this.snapshots.balances(id, after, q.limit + 1);
    return pageOf(
      rows.map((r) => ({ ...r, balance: r.balance.toString() })),
      q.limit,
      (last) => ({ clientId: last.clientId, userId: last.userId, asset: last.asset }),
    );
  }

  @Get('clients/:clientId/users/:userId/holdings')
  @Roles('backend', 'auditor')
  @UseGuards(PathClientGuard)
  @ApiContract({
    summary: "A user's holdings with valuation, now or as of a time",
    description:
      'Every asset the user holds, read as of one ledger sequence (the current one, or the one in force at `asOf`), ' +
      "valued at the current prices. The client must be in the key's scope.",
    params: byUser,
    query: holdingsQuery,
    responses: { 200: UserHoldingsWire },
    errors: [AuthErrors['auth.forbidden_client'], ...PRICES],
  })
  async holdings(
    @ContractParams() { clientId, userId }: z.infer<typeof byUser>,
    @ContractQuery() { asOf }: z.infer<typeof holdingsQuery>,
  ) {
    const r = await this.snapshots.userHoldings(clientId, userId, asOf ? new Date(asOf) : undefined);
    return { ...r, holdings: r.holdings.map((h) => ({ ...h, balance: h.balance.toString() })) };
  }
}
