import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { assertClientScope, AuthErrors, CurrentPrincipal, Roles, type Principal } from '@strongroom/api-auth';
import { AssetErrors } from '@strongroom/shared-assets';
import {
  ApiContract,
  ContractBody,
  ContractParams,
  ContractQuery,
  decodeCursor,
  page,
  pageOf,
  NoBody,
} from '@strongroom/shared-http';
import { LedgerErrors as E } from '../ledger.errors';
import { LedgerService } from '../ledger.service';
import type { AsOf } from '../ledger.types';
import { LedgerAccess } from './ledger-access';
import { AccountCursor, BalancesQuery, ListAccountsQuery, OpenAccountBody } from './ledger.schemas';
import { accountView, balancesView } from './ledger.views';
import { AccountBalancesWire, AccountWire, type AccountJson } from './ledger-wire';

const byId = z.object({ id: z.string().meta({ description: 'The account id (uuid).' }) });

@ApiTags('ledger: accounts')
@Controller('v1/accounts')
export class AccountsController {
  constructor(
    private readonly ledger: LedgerService,
    private readonly access: LedgerAccess,
  ) {}

  @Post()
  @Roles('backend')
  @HttpCode(201)
  @ApiContract({
    summary: 'Open a user account (idempotent per client, owner, asset and kind)',
    description:
      "Only `user` accounts, with the default flags, of an active client in the key's scope, in an asset this " +
      'deployment serves. System accounts are opened by the contexts that own them, never over the API (not even by ' +
      'admin): 403 `account.kind_forbidden`, `account.flags_forbidden`. Opening an existing account answers it again ' +
      '(201); one opened in process with other flags under the same key is 409 `account.exists`.',
    body: OpenAccountBody,
    responses: { 201: AccountWire },
    errors: [
      E['account.kind_forbidden'],
      E['account.flags_forbidden'],
      E['account.exists'],
      AuthErrors['auth.forbidden_client'],
      AuthErrors['client.not_found'],
      AuthErrors['client.suspended'],
      AssetErrors['asset.unknown'],
    ],
  })
  async open(
    @CurrentPrincipal() who: Principal,
    @ContractBody() input: z.infer<typeof OpenAccountBody>,
  ): Promise<AccountJson> {
    return accountView(await this.access.openAccount(who, { ...input, kind: input.kind as never }));
  }

  @Get()
  @Roles('backend', 'auditor')
  @ApiContract({
    summary: "List an owner's accounts",
    description:
      'Every account of `ownerId` under `clientId` (all assets and kinds), oldest first, with its current balances. ' +
      "The client must be in the key's scope (403 `auth.forbidden_client`).",
    query: ListAccountsQuery,
    responses: { 200: page(AccountWire) },
    errors: [AuthErrors['auth.forbidden_client']],
  })
  async list(
    @CurrentPrincipal() who: Principal,
    @ContractQuery() q: z.infer<typeof ListAccountsQuery>,
  ): Promise<{ data: AccountJson[]; nextCursor: string | null }> {
    assertClientScope(who, q.clientId);
    const after = q.cursor === undefined ? undefined : decodeCursor(AccountCursor, q.cursor).after;
    const rows = await this.ledger.listAccounts({
      clientId: q.clientId,
      ownerId: q.ownerId,
      limit: q.limit + 1,
      after,
    });
    return pageOf(rows.map(accountView), q.limit, (a) => ({ after: a.id }));
  }

  @Get(':id')
  @Roles('backend', 'auditor')
  @ApiContract({
    summary: 'Get an account with its current balances',
    description: "404 `account.not_found` also for an account of a client outside the key's scope.",
    params: byId,
    responses: { 200: AccountWire },
    errors: [E['account.not_found']],
  })
  async get(@CurrentPrincipal() who: Principal, @ContractParams() { id }: z.infer<typeof byId>): Promise<AccountJson> {
    return accountView(await this.access.readableAccount(who, id));
  }

  @Get(':id/balances')
  @Roles('backend', 'auditor')
  @ApiContract({
    summary: 'Balances now, or as of a sequence (asOfSequence) or a time (asOf)',
    description:
      'Now: the account row and the current sequence, read together. As of a sequence or a time: summed from the ' +
      'transfers, so the answer for a given sequence never changes. A sequence or time not reached yet is 422 ' +
      "`balance.as_of_future`. 404 `account.not_found` also for an account outside the key's scope.",
    params: byId,
    query: BalancesQuery,
    responses: { 200: AccountBalancesWire },
    errors: [E['account.not_found'], E['balance.as_of_future']],
  })
  async balances(
    @CurrentPrincipal() who: Principal,
    @ContractParams() { id }: z.infer<typeof byId>,
    @ContractQuery() q: z.infer<typeof BalancesQuery>,
  ) {
    await this.access.readableAccount(who, id);
    const asOf: AsOf | undefined = q.asOfSequence
      ? { sequence: BigInt(q.asOfSequence) }
      : q.asOf
        ? { timestamp: new Date(q.asOf) }
        : undefined;
    return balancesView(id, await this.ledger.balances(id, asOf));
  }

  @Post(':id/close')
  @Roles('admin')
  @HttpCode(200)
  @ApiContract({
    summary: 'Close an account',
    description: 'No new debits or credits; its pendings can still be voided. Admin only.',
    params: byId,
    body: NoBody,
    responses: { 200: AccountWire },
    errors: [E['account.not_found']],
  })
  async close(@ContractParams() { id }: z.infer<typeof byId>): Promise<AccountJson> {
    return accountView(await this.ledger.closeAccount(id));
  }
}
