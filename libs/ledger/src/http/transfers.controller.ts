import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles, type Principal } from '@strongroom/api-auth';
import { parseWith } from '@strongroom/shared-http';
import { parseBaseUnits } from '@strongroom/shared-types';
import { LedgerService } from '../ledger.service';
import { refusalError } from '../ledger.errors';
import type { TransferInput, TransferResult } from '../ledger.types';
import { checkTransferInput } from '../transfer-input';
import {
  BatchBody,
  ResolveBody,
  TransferBody,
  checkEdgeMetadata,
  openApi,
  parseBatchBody,
  parseTransferBody,
} from './ledger.schemas';
import { LedgerAccess } from './ledger-access';
import { resultView, transferView } from './ledger.views';
import { ProblemSchema, TransferResultSchema, TransferSchema } from './openapi';

const REFUSALS =
  'amount.not_positive, amount.base_units_expected, amount.too_large, amount.malformed, account.not_found, transfer.asset_mismatch, ' +
  'account.closed, account.debits_exceed_credits, account.credits_exceed_debits, transfer.id_conflict, pending.*, request.malformed_json, ' +
  'transfer.metadata_invalid, transfer.metadata_too_deep, transfer.metadata_too_large';
const FORBIDDEN =
  'transfer.system_account, transfer.cross_client, transfer.debit_unbounded (403); account.not_found / pending.not_found also for what the key may not see (404); client.not_found (404), client.suspended (422)';

@ApiTags('ledger: transfers')
@ApiSecurity('key')
@Controller('v1/transfers')
export class TransfersController {
  constructor(
    private readonly ledger: LedgerService,
    private readonly access: LedgerAccess,
  ) {}

  @Post()
  @Roles('backend')
  @ApiOperation({
    summary: 'Create one transfer (plain, pending, post_pending or void_pending)',
    description:
      'Idempotent: the same id and body again returns the original transfer with `replayed: true` (200); another body with the same id is `transfer.id_conflict` (409).',
  })
  @ApiBody({ schema: openApi(TransferBody) })
  @ApiResponse({ status: 201, description: 'created', schema: TransferResultSchema })
  @ApiResponse({ status: 200, description: 'replayed', schema: TransferResultSchema })
  @ApiResponse({ status: 400, description: REFUSALS, schema: ProblemSchema })
  @ApiResponse({ status: 403, description: FORBIDDEN, schema: ProblemSchema })
  async create(@CurrentPrincipal() who: Principal, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    return this.single(who, parseTransferBody(body), res);
  }

  @Post('batch')
  @Roles('backend')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create up to 8000 transfers in one database transaction',
    description:
      'Each transfer succeeds or fails on its own, except linked chains (every member but the last flagged `linked`), which commit or fail together.',
  })
  @ApiBody({ schema: openApi(BatchBody) })
  @ApiOkResponse({
    schema: { type: 'object', properties: { results: { type: 'array', items: TransferResultSchema } } },
  })
  @ApiResponse({
    status: 400,
    description: 'request.invalid, amount.*, transfer.metadata_* (with the index), transfer.batch_invalid',
    schema: ProblemSchema,
  })
  @ApiResponse({ status: 403, description: `the whole batch, with the index: ${FORBIDDEN}`, schema: ProblemSchema })
  async batch(@CurrentPrincipal() who: Principal, @Body() body: unknown) {
    const items = parseBatchBody(body);
    await this.access.checkTransfers(who, items);
    const results = await this.ledger.createTransfers(items);
    return { results: results.map(resultView) };
  }

  @Get(':id')
  @Roles('backend', 'auditor')
  @ApiOperation({ summary: 'Get a transfer (with the current state of a pending one)' })
  @ApiOkResponse({ schema: TransferSchema })
  @ApiResponse({
    status: 404,
    description: 'transfer.not_found (also when neither account is of a client in scope)',
    schema: ProblemSchema,
  })
  async get(@CurrentPrincipal() who: Principal, @Param('id') id: string) {
    return transferView(await this.access.readableTransfer(who, id));
  }

  @Post(':id/post')
  @Roles('backend')
  @ApiOperation({ summary: 'Post a pending transfer, fully or partly (amount ≤ pending)' })
  @ApiBody({ schema: openApi(ResolveBody) })
  @ApiResponse({ status: 201, schema: TransferResultSchema })
  @ApiResponse({
    status: 409,
    description: 'pending.already_resolved, pending.expired, transfer.id_conflict',
    schema: ProblemSchema,
  })
  @ApiResponse({ status: 422, description: 'pending.amount_exceeds, account.closed', schema: ProblemSchema })
  @ApiResponse({ status: 403, description: FORBIDDEN, schema: ProblemSchema })
  async post(
    @CurrentPrincipal() who: Principal,
    @Param('id') pendingId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.single(who, this.resolve(pendingId, body, 'post_pending'), res);
  }

  @Post(':id/void')
  @Roles('backend')
  @ApiOperation({ summary: 'Void a pending transfer, releasing the whole held amount' })
  @ApiBody({ schema: openApi(ResolveBody) })
  @ApiResponse({ status: 201, schema: TransferResultSchema })
  @ApiResponse({
    status: 409,
    description: 'pending.already_resolved, pending.expired, transfer.id_conflict',
    schema: ProblemSchema,
  })
  @ApiResponse({ status: 403, description: FORBIDDEN, schema: ProblemSchema })
  async void(
    @CurrentPrincipal() who: Principal,
    @Param('id') pendingId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.single(who, this.resolve(pendingId, body, 'void_pending'), res);
  }

  private resolve(pendingId: string, body: unknown, flag: 'post_pending' | 'void_pending'): TransferInput {
    const amountRaw = (body as { amount?: unknown } | null)?.amount;
    if (amountRaw !== undefined) parseBaseUnits(amountRaw);
    const b = parseWith(ResolveBody, body);
    checkEdgeMetadata(b.metadata);
    return {
      id: b.id,
      debitAccountId: '',
      creditAccountId: '',
      flags: [flag],
      pendingId,
      amount: b.amount === undefined ? undefined : parseBaseUnits(b.amount),
      code: b.code,
      metadata: b.metadata,
    };
  }

  private async single(who: Principal, input: TransferInput, res: Response) {
    // What needs no database is refused first, with the ledger's own codes.
    const bad = checkTransferInput(input);
    if (bad) throw refusalError(bad.code, bad.detail, { transferId: input.id });
    await this.access.checkTransfers(who, [input], true);
    const r: TransferResult = await this.ledger.submitTransfer(input);
    if (!r.ok) throw refusalError(r.code, r.detail, { transferId: r.id });
    res.status(r.replayed ? 200 : 201);
    return resultView(r);
  }
}
