import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { assertClientScope, CurrentPrincipal, Roles, type Principal, AuthErrors } from '@strongroom/api-auth';
import { parseWith } from '@strongroom/shared-http';
import { LedgerService } from '../ledger.service';
import { LedgerAccess } from './ledger-access';
import type { AsOf } from '../ledger.types';
import { BalancesQuery, ListAccountsQuery, OpenAccountBody, openApi } from './ledger.schemas';
import { accountView, balancesView } from './ledger.views';
import { AccountSchema, BalancesSchema, ProblemSchema } from './openapi';
import { LedgerErrors } from '../ledger.errors';

@ApiTags('ledger: accounts')
@ApiSecurity('key')
@Controller('v1/accounts')
export class AccountsController {
  constructor(
    private readonly ledger: LedgerService,
    private readonly access: LedgerAccess,
  ) {}

  @Post()
  @Roles('backend')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Open a user account (idempotent per client, owner, asset and kind)',
    description:
      "Only `user` accounts, with the default flags, of an active client in the key's scope, in an asset this deployment serves. System accounts are opened by the contexts that own them, never over the API (not even by admin).",
  })
  @ApiBody({ schema: openApi(OpenAccountBody) })
  @ApiResponse({ status: 201, schema: AccountSchema })
  @ApiResponse({ status: 400, description: 'account.invalid, request.invalid', schema: ProblemSchema })
  @ApiResponse({
    status: 403,
    description: 'account.kind_forbidden, account.flags_forbidden, auth.forbidden_client',
    schema: ProblemSchema,
  })
  @ApiResponse({ status: 404, description: 'asset.unknown, client.not_found', schema: ProblemSchema })
  @ApiResponse({ status: 409, description: 'account.exists (same key, other flags)', schema: ProblemSchema })
  @ApiResponse({ status: 422, description: AuthErrors['client.suspended'].code, schema: ProblemSchema })
  async open(@CurrentPrincipal() who: Principal, @Body() body: unknown) {
    const input = parseWith(OpenAccountBody, body);
    return accountView(await this.access.openAccount(who, { ...input, kind: input.kind as never }));
  }

  @Get()
  @Roles('backend', 'auditor')
  @ApiOperation({ summary: "List an owner's accounts (a client in the key's scope)" })
  @ApiQuery({ name: 'clientId', required: true })
  @ApiQuery({ name: 'ownerId', required: true })
  @ApiOkResponse({ schema: { type: 'object', properties: { accounts: { type: 'array', items: AccountSchema } } } })
  @ApiResponse({ status: 403, description: AuthErrors['auth.forbidden_client'].code, schema: ProblemSchema })
  async list(@CurrentPrincipal() who: Principal, @Query() query: unknown) {
    const q = parseWith(ListAccountsQuery, query);
    assertClientScope(who, q.clientId);
    return { accounts: (await this.ledger.listAccounts(q)).map(accountView) };
  }

  @Get(':id')
  @Roles('backend', 'auditor')
  @ApiOperation({ summary: 'Get an account with its current balances' })
  @ApiOkResponse({ schema: AccountSchema })
  @ApiResponse({
    status: 404,
    description: "account.not_found (also for another client's account)",
    schema: ProblemSchema,
  })
  async get(@CurrentPrincipal() who: Principal, @Param('id') id: string) {
    return accountView(await this.access.readableAccount(who, id));
  }

  @Get(':id/balances')
  @Roles('backend', 'auditor')
  @ApiOperation({ summary: 'Balances now, or as of a sequence (asOfSequence) or a time (asOf, ISO 8601)' })
  @ApiQuery({ name: 'asOfSequence', required: false })
  @ApiQuery({ name: 'asOf', required: false })
  @ApiOkResponse({ schema: BalancesSchema })
  @ApiResponse({
    status: 404,
    description: "account.not_found (also for another client's account)",
    schema: ProblemSchema,
  })
  @ApiResponse({ status: 422, description: LedgerErrors['balance.as_of_future'].code, schema: ProblemSchema })
  async balances(@CurrentPrincipal() who: Principal, @Param('id') id: string, @Query() query: unknown) {
    const q = parseWith(BalancesQuery, query);
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
  @ApiOperation({ summary: 'Close an account: no new debits or credits; its pendings can still be voided' })
  @ApiOkResponse({ schema: AccountSchema })
  async close(@Param('id') id: string) {
    return accountView(await this.ledger.closeAccount(id));
  }
}
