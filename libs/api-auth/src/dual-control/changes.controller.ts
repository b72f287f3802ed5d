import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  ApiContract,
  ContractBody,
  ContractParams,
  ContractQuery,
  decodeCursor,
  NoBody,
  page,
  pageOf,
  pageQuery,
} from '@strongroom/shared-http';
import { AuthErrors } from '../auth.errors';
import { CurrentPrincipal } from '../current-principal.decorator';
import type { Principal } from '../principal';
import { Roles } from '../roles.decorator';
import { AUTH_CLIENT_CHANGE_ERRORS, AUTH_KEY_CHANGE_ERRORS } from './auth-change-handlers';
import type { ChangeRequestView } from './change-handler';
import { CHANGE_ID } from './change-store';
import { CHANGE_STATUSES, ChangeRequestWire } from './change-request-wire';
import { DualControl } from './dual-control.service';

const ListQuery = z
  .object({
    status: z.enum(CHANGE_STATUSES as [string, ...string[]]).optional(),
    kind: z
      .string()
      .regex(/^[a-z][a-z0-9_.]{0,63}$/)
      .optional()
      .meta({ description: 'A change kind, e.g. `auth.client`.' }),
    ...pageQuery,
  })
  .strict();
const Cursor = z.object({ id: z.string().regex(CHANGE_ID) });
const ById = z.object({ id: z.string().meta({ description: 'The change id (`chg_…`).' }) });
const RejectBody = z.object({ reason: z.string().meta({ description: 'Why, 1–1000 characters.' }) }).strict();

/**
 * What an approval may be refused with: the queue's own refusals and those of the auth context's
 * change kinds, registered on every API. Other kinds' refusals come with their handlers (`appErrors`).
 */
const APPROVE_ERRORS = [
  AuthErrors['change.not_found'],
  AuthErrors['change.not_pending'],
  AuthErrors['change.other_api'],
  AuthErrors['change.same_person'],
  AuthErrors['change.maker_revoked'],
  ...AUTH_KEY_CHANGE_ERRORS,
  ...AUTH_CLIENT_CHANGE_ERRORS,
];

/** `/v1/changes`: the maker–checker queue of this deployment (admin). */
@ApiTags('dual control')
@Roles('admin')
@Controller('v1/changes')
export class ChangesController {
  constructor(private readonly dual: DualControl) {}

  @Get()
  @ApiContract({
    summary: 'List change requests',
    description:
      'Newest first (by creation time, then id), optionally only one status or kind. Admin only; every change ' +
      'this deployment recorded, whichever API recorded it.',
    query: ListQuery,
    responses: { 200: page(ChangeRequestWire) },
  })
  async list(
    @ContractQuery() q: z.infer<typeof ListQuery>,
  ): Promise<{ data: ChangeRequestView[]; nextCursor: string | null }> {
    const after = q.cursor === undefined ? undefined : decodeCursor(Cursor, q.cursor).id;
    const rows = await this.dual.list({
      status: q.status as ChangeRequestView['status'] | undefined,
      kind: q.kind,
      limit: q.limit + 1,
      after,
    });
    return pageOf(rows, q.limit, (c) => ({ id: c.id }));
  }

  @Get(':id')
  @ApiContract({
    summary: 'One change request',
    description: 'Its kind, payload, maker, status and, once decided, the checker and the outcome. Admin only.',
    params: ById,
    responses: { 200: ChangeRequestWire },
    errors: [AuthErrors['change.not_found']],
  })
  get(@ContractParams() { id }: z.infer<typeof ById>): Promise<ChangeRequestView> {
    return this.dual.get(id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiContract({
    summary: 'Approve and execute a change',
    description:
      'A second admin — a different key and a different owner than the maker, neither revoked — approves, and the ' +
      'change is executed in the same transaction as its status change and the audit record naming both. Only the ' +
      'API that recorded the change executes it (409 `change.other_api`). A change is executed once: a retried or ' +
      'concurrent approval gets 409 `change.not_pending`. When the change no longer applies, it is recorded as ' +
      '`failed` with the refusal, and that refusal is the answer. Minting a key: the secret is in `result`, here only.',
    params: ById,
    body: NoBody,
    responses: { 200: ChangeRequestWire },
    errors: APPROVE_ERRORS,
    // The refusals of the change kinds registered in this app, known once it is assembled.
    appErrors: (app) => app.get(DualControl, { strict: false }).handlerErrors(),
  })
  approve(
    @CurrentPrincipal() by: Principal,
    @ContractParams() { id }: z.infer<typeof ById>,
    @ContractBody() _body: z.infer<typeof NoBody>,
  ): Promise<ChangeRequestView> {
    return this.dual.approve(id, by);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiContract({
    summary: 'Reject a pending change',
    description: 'Any admin, the maker included (who withdraws their own change this way). Audited.',
    params: ById,
    body: RejectBody,
    responses: { 200: ChangeRequestWire },
    errors: [AuthErrors['change.not_found'], AuthErrors['change.not_pending'], AuthErrors['change.invalid_reason']],
  })
  reject(
    @CurrentPrincipal() by: Principal,
    @ContractParams() { id }: z.infer<typeof ById>,
    @ContractBody() body: z.infer<typeof RejectBody>,
  ): Promise<ChangeRequestView> {
    return this.dual.reject(id, by, body.reason);
  }
}
