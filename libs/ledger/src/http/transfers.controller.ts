import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '@strongroom/api-auth';
import { parseWith } from '@strongroom/shared-http';
import { parseBaseUnits } from '@strongroom/shared-types';
import { LedgerService } from '../ledger.service';
import { refusalError } from '../ledger.errors';
import type { TransferInput, TransferResult } from '../ledger.types';
import { BatchBody, ResolveBody, TransferBody, openApi, parseBatchBody, parseTransferBody } from './ledger.schemas';
import { resultView, transferView } from './ledger.views';
import { ProblemSchema, TransferResultSchema, TransferSchema } from './openapi';

const REFUSALS =
  'amount.not_positive, amount.not_integer, amount.too_large, amount.malformed, account.not_found, transfer.asset_mismatch, ' +
  'account.closed, account.debits_exceed_credits, account.credits_exceed_debits, transfer.id_conflict, pending.*, request.malformed_json';

@ApiTags('ledger: transfers')
@ApiSecurity('key')
@Controller('v1/transfers')
export class TransfersController {
  constructor(private readonly ledger: LedgerService) {}

  @Post()
  @Roles('backend')
  @ApiOperation({
    summary: 'Create one transfer (plain, pending, post_pending or void_pending)',
    description: 'Idempotent: the same id and body again returns the original transfer with `replayed: true` (200); another body with the same id is `transfer.id_conflict` (409).',
  })
  @ApiBody({ schema: openApi(TransferBody) })
  @ApiResponse({ status: 201, description: 'created', schema: TransferResultSchema })
  @ApiResponse({ status: 200, description: 'replayed', schema: TransferResultSchema })
  @ApiResponse({ status: 400, description: REFUSALS, schema: ProblemSchema })
  async create(@Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    return this.single(parseTransferBody(body), res);
  }

  @Post('batch')
  @Roles('backend')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create up to 8000 transfers in one database transaction',
    description: 'Each transfer succeeds or fails on its own, except linked chains (every member but the last flagged `linked`), which commit or fail together.',
  })
  @ApiBody({ schema: openApi(BatchBody) })
  @ApiOkResponse({ schema: { type: 'object', properties: { results: { type: 'array', items: TransferResultSchema } } } })
  @ApiResponse({ status: 400, description: 'request.invalid, amount.* (with the index), transfer.batch_invalid', schema: ProblemSchema })
  async batch(@Body() body: unknown) {
    const results = await this.ledger.createTransfers(parseBatchBody(body));
    return { results: results.map(resultView) };
  }

  @Get(':id')
  @Roles('backend', 'auditor')
  @ApiOperation({ summary: 'Get a transfer (with the current state of a pending one)' })
  @ApiOkResponse({ schema: TransferSchema })
  @ApiResponse({ status: 404, description: 'transfer.not_found', schema: ProblemSchema })
  async get(@Param('id') id: string) {
    return transferView(await this.ledger.getTransfer(id));
  }

  @Post(':id/post')
  @Roles('backend')
  @ApiOperation({ summary: 'Post a pending transfer, fully or partly (amount ≤ pending)' })
  @ApiBody({ schema: openApi(ResolveBody) })
  @ApiResponse({ status: 201, schema: TransferResultSchema })
  @ApiResponse({ status: 409, description: 'pending.already_resolved, pending.expired, transfer.id_conflict', schema: ProblemSchema })
  @ApiResponse({ status: 422, description: 'pending.amount_exceeds, account.closed', schema: ProblemSchema })
  async post(@Param('id') pendingId: string, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    return this.single(this.resolve(pendingId, body, 'post_pending'), res);
  }

  @Post(':id/void')
  @Roles('backend')
  @ApiOperation({ summary: 'Void a pending transfer, releasing the whole held amount' })
  @ApiBody({ schema: openApi(ResolveBody) })
  @ApiResponse({ status: 201, schema: TransferResultSchema })
  @ApiResponse({ status: 409, description: 'pending.already_resolved, pending.expired, transfer.id_conflict', schema: ProblemSchema })
  async void(@Param('id') pendingId: string, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    return this.single(this.resolve(pendingId, body, 'void_pending'), res);
  }

  private resolve(pendingId: string, body: unknown, flag: 'post_pending' | 'void_pending'): TransferInput {
    const amountRaw = (body as { amount?: unknown } | null)?.amount;
    if (amountRaw !== undefined) parseBaseUnits(amountRaw);
    const b = parseWith(ResolveBody, body);
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

  private async single(input: TransferInput, res: Response) {
    const r: TransferResult = await this.ledger.submitTransfer(input);
    if (!r.ok) throw refusalError(r.code, r.detail, { transferId: r.id });
    res.status(r.replayed ? 200 : 201);
    return resultView(r);
  }
}
