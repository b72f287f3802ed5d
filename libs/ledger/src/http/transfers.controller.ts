import { Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { CurrentPrincipal, Roles, type Principal } from '@strongroom/api-auth';
import { ApiContract, ContractBody, ContractParams } from '@strongroom/shared-http';
import { parseBaseUnits } from '@strongroom/shared-types';
import { LedgerService } from '../ledger.service';
import { LedgerErrors, refusalError } from '../ledger.errors';
import type { TransferInput, TransferResult } from '../ledger.types';
import { checkTransferInput } from '../transfer-input';
import { LedgerAccess } from './ledger-access';
import {
  BatchRequest,
  ResolveRequest,
  TransferRequest,
  checkEdgeMetadata,
  toTransferInput,
  type ResolveBody,
} from './ledger.schemas';
import { resultView, transferView } from './ledger.views';
import { BatchResultsWire, TransferCommittedWire, TransferWire, type TransferJson } from './ledger-wire';
import { BATCH_REFUSALS, SINGLE_REFUSALS } from './transfer-refusals';

const byId = z.object({
  id: z.string().meta({ description: 'The transfer id (URL-encoded: ids may hold `/` and `:`).' }),
});
const byPending = z.object({ id: z.string().meta({ description: 'The id of the pending transfer (URL-encoded).' }) });

const WHO =
  "Backend keys, for user accounts of one active client in the key's scope only: a system account is 403 " +
  '`transfer.system_account`, two clients 403 `transfer.cross_client`; what the key may not see answers like ' +
  'what does not exist (404 `account.not_found`, `pending.not_found`).';

@ApiTags('ledger: transfers')
@Controller('v1/transfers')
export class TransfersController {
  constructor(
    private readonly ledger: LedgerService,
    private readonly access: LedgerAccess,
  ) {}

  @Post()
  @Roles('backend')
  @ApiContract({
    summary: 'Create one transfer (plain, pending, post_pending or void_pending)',
    description:
      'Amount in base units, digits only. 201 when committed; the same id and body again answers the original ' +
      'transfer with `replayed: true` (200); another body under the same id is 409 `transfer.id_conflict`. ' +
      `Concurrent single transfers share a commit (group commit), each with its own result. ${WHO}`,
    body: TransferRequest,
    responses: { 200: TransferCommittedWire, 201: TransferCommittedWire },
    errors: SINGLE_REFUSALS,
  })
  async create(
    @CurrentPrincipal() who: Principal,
    @ContractBody() input: z.infer<typeof TransferRequest>,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.single(who, toTransferInput(input), res);
  }

  @Post('batch')
  @Roles('backend')
  @HttpCode(200)
  @ApiContract({
    summary: 'Create up to 8000 transfers in one database transaction',
    description:
      'Each transfer succeeds or fails on its own (its result says which, with the refusal code), except linked ' +
      'chains (every member but the last flagged `linked`), which commit or fail together. Refused as a whole, ' +
      'with the `index` of the transfer at fault and nothing written, when a transfer breaks the API edge rules or ' +
      `a bound of the request (amount form, metadata, batch size). ${WHO}`,
    body: BatchRequest,
    responses: { 200: BatchResultsWire },
    errors: BATCH_REFUSALS,
  })
  async batch(@CurrentPrincipal() who: Principal, @ContractBody() input: z.infer<typeof BatchRequest>) {
    const items = input.transfers.map((t, i) => toTransferInput(t, i));
    await this.access.checkTransfers(who, items);
    const results = await this.ledger.createTransfers(items);
    return { results: results.map(resultView) };
  }

  @Get(':id')
  @Roles('backend', 'auditor')
  @ApiContract({
    summary: 'Get a transfer (with the current state of a pending one)',
    description: "404 `transfer.not_found` also when neither account is of a client in the key's scope.",
    params: byId,
    responses: { 200: TransferWire },
    errors: [LedgerErrors['transfer.not_found']],
  })
  async get(@CurrentPrincipal() who: Principal, @ContractParams() { id }: z.infer<typeof byId>): Promise<TransferJson> {
    return transferView(await this.access.readableTransfer(who, id));
  }

  @Post(':id/post')
  @Roles('backend')
  @ApiContract({
    summary: 'Post a pending transfer, fully or partly (amount ≤ pending)',
    description:
      'Books a new transfer (the body’s `id`) that posts the pending one; omit `amount` to post all of it. 201 when ' +
      'committed, 200 with `replayed: true` for the same id and body again. Only a stored pending between user ' +
      `accounts: a withdrawal hold is released by its withdrawal, never here. ${WHO}`,
    params: byPending,
    body: ResolveRequest,
    responses: { 200: TransferCommittedWire, 201: TransferCommittedWire },
    errors: SINGLE_REFUSALS,
  })
  async post(
    @CurrentPrincipal() who: Principal,
    @ContractParams() { id }: z.infer<typeof byPending>,
    @ContractBody() input: z.infer<typeof ResolveRequest>,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.single(who, resolving(id, input, 'post_pending'), res);
  }

  @Post(':id/void')
  @Roles('backend')
  @ApiContract({
    summary: 'Void a pending transfer, releasing the whole held amount',
    description:
      'Books a new transfer (the body’s `id`) that voids the pending one. 201 when committed, 200 with ' +
      `\`replayed: true\` for the same id and body again. Only a stored pending between user accounts. ${WHO}`,
    params: byPending,
    body: ResolveRequest,
    responses: { 200: TransferCommittedWire, 201: TransferCommittedWire },
    errors: SINGLE_REFUSALS,
  })
  async void(
    @CurrentPrincipal() who: Principal,
    @ContractParams() pending: z.infer<typeof byPending>,
    @ContractBody() input: z.infer<typeof ResolveRequest>,
    @Res({ passthrough: true }) res: Response,
  ) {
    // A void releases the whole hold: an amount given is the ledger's to refuse (pending.amount_mismatch).
    return this.single(who, resolving(pending.id, input, 'void_pending'), res);
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

function resolving(
  pendingId: string,
  b: z.infer<typeof ResolveBody>,
  flag: 'post_pending' | 'void_pending',
): TransferInput {
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
