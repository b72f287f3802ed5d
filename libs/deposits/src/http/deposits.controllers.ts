import { Controller, Get, Inject, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import {
  assertClientScope,
  AuthErrors,
  CurrentPrincipal,
  requireActiveClient,
  Roles,
  type Principal,
} from '@strongroom/api-auth';
import type { Database } from '@strongroom/persistence';
import { AssetErrors } from '@strongroom/shared-assets';
import {
  ApiContract,
  ContractBody,
  ContractParams,
  ContractQuery,
  DATABASE,
  decodeCursor,
  page,
  pageOf,
  type OperationContract,
} from '@strongroom/shared-http';
import { DepositAddresses, UNSERVED_ASSET } from '../addresses/deposit-addresses';
import { DepositQueries } from '../deposit-queries';
import { DepositErrors } from '../deposits.errors';
import type { CustodyWalletRecord, Deposit, DepositAddress, DepositState, Incident } from '../deposits.types';
import { CustodyWallets } from '../wallets/custody-wallets';
import { CustodyWalletWire, DepositAddressWire, DepositWire, IncidentWire } from './deposits-wire';
import {
  addressQuery,
  byDepositId,
  custodyWalletQuery,
  depositQuery,
  incidentQuery,
  issueBody,
  readableClient,
  SeqCursor,
  WalletCursor,
} from './deposit-reads';

type Page<T> = { data: T[]; nextCursor: string | null };
const seqAfter = (cursor: string | undefined) =>
  cursor === undefined ? undefined : decodeCursor(SeqCursor, cursor).seq;

/** What a list that reads one client answers besides its own refusals (see readableClient). */
const READ_SCOPE_ERRORS: OperationContract['errors'] = [
  AuthErrors['auth.forbidden_client'],
  AuthErrors['client.not_found'],
];
const SCOPED_LISTS =
  'Client-scoped: a key reads the clients in its scope; a key scoped to one client reads it when none is named, ' +
  'a key scoped to several must name one (400 `request.invalid`); an unknown client is 404, not an empty page.';

@ApiTags('deposit addresses')
@Controller('v1/deposit-addresses')
export class DepositAddressesController {
  constructor(
    private readonly addresses: DepositAddresses,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  @Post()
  @Roles('backend')
  @ApiContract({
    summary: 'The deposit address of (client, user, asset)',
    description:
      'Idempotent: the same address on every call (200) until `fresh: true` asks for a new one (201, next index; ' +
      'a first address is 201 too). The address is derived from the custody wallet serving the client and the tag ' +
      '`<clientId>/<userId>/<asset>/<index>`; the user’s ledger account is opened with it. Backend keys, for an ' +
      'active client in the key’s scope.',
    body: issueBody,
    responses: { 200: DepositAddressWire, 201: DepositAddressWire },
    errors: [
      AuthErrors['auth.forbidden_client'],
      AuthErrors['client.not_found'],
      AuthErrors['client.suspended'],
      UNSERVED_ASSET,
      AssetErrors['asset.not_configured'],
      DepositErrors['chain.not_configured'],
      DepositErrors['deposit_address.no_custody_wallet'],
    ],
  })
  async issue(
    @ContractBody() input: z.infer<typeof issueBody>,
    @CurrentPrincipal() who: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DepositAddress> {
    assertClientScope(who, input.clientId);
    // The client must exist and be active, checked in the issuing transaction.
    const { address, created } = await this.addresses.issue(input, {
      admit: (tx) => requireActiveClient(tx, input.clientId),
    });
    res.status(created ? 201 : 200);
    return address;
  }

  @Get()
  @Roles('backend', 'auditor')
  @ApiContract({
    summary: 'Deposit addresses of a client',
    description: `Oldest first (by issue), optionally of one user or asset. ${SCOPED_LISTS}`,
    query: addressQuery,
    responses: { 200: page(DepositAddressWire) },
    errors: READ_SCOPE_ERRORS,
  })
  async list(
    @ContractQuery() q: z.infer<typeof addressQuery>,
    @CurrentPrincipal() who: Principal,
  ): Promise<Page<DepositAddress>> {
    await readableClient(this.db, who, q.clientId);
    const rows = await this.addresses.list({ ...q, after: seqAfter(q.cursor), limit: q.limit + 1 });
    return pageOf(rows, q.limit, (a) => ({ seq: a.id }));
  }
}

@ApiTags('deposits')
@Controller('v1/deposits')
export class DepositsController {
  constructor(
    private readonly queries: DepositQueries,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  @Get()
  @Roles('backend', 'auditor')
  @ApiContract({
    summary: 'Deposits',
    description:
      'In deposit-log order (`seq`: when first seen), oldest first, filtered by client, user, asset, chain, state ' +
      `or txid. ${SCOPED_LISTS} A key scoped to all clients may leave clientId out to read every client.`,
    query: depositQuery,
    responses: { 200: page(DepositWire) },
    errors: READ_SCOPE_ERRORS,
  })
  async list(
    @ContractQuery() q: z.infer<typeof depositQuery>,
    @CurrentPrincipal() who: Principal,
  ): Promise<Page<Deposit>> {
    const clientId = await readableClient(this.db, who, q.clientId);
    const rows = await this.queries.deposits({
      ...q,
      clientId,
      chain: q.chain as Deposit['chain'] | undefined,
      state: q.state as DepositState | undefined,
      after: seqAfter(q.cursor),
      limit: q.limit + 1,
    });
    return pageOf(rows, q.limit, (d) => ({ seq: d.seq }));
  }

  @Get(':id')
  @Roles('backend', 'auditor')
  @ApiContract({
    summary: 'One deposit',
    description:
      'By id `<chain>:<txid>:<index>` (the webhook subject without its `deposit:` prefix). A deposit of a client ' +
      'outside the key’s scope is 403 `auth.forbidden_client`.',
    params: byDepositId,
    responses: { 200: DepositWire },
    errors: [DepositErrors['deposit.not_found'], AuthErrors['auth.forbidden_client']],
  })
  async one(
    @ContractParams() { id }: z.infer<typeof byDepositId>,
    @CurrentPrincipal() who: Principal,
  ): Promise<Deposit> {
    const deposit = await this.queries.deposit(id);
    assertClientScope(who, deposit.clientId);
    return deposit;
  }
}

@ApiTags('incidents')
@Controller('v1/incidents')
export class IncidentsController {
  constructor(
    private readonly queries: DepositQueries,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  @Get()
  @Roles('admin', 'auditor')
  @ApiContract({
    summary: 'Incidents',
    description:
      'Credited deposits a reorg removed, with what was recovered from the user and the shortfall; oldest first, ' +
      `optionally of one chain, open (unresolved) or not. ${SCOPED_LISTS}`,
    query: incidentQuery,
    responses: { 200: page(IncidentWire) },
    errors: READ_SCOPE_ERRORS,
  })
  async list(
    @ContractQuery() q: z.infer<typeof incidentQuery>,
    @CurrentPrincipal() who: Principal,
  ): Promise<Page<Incident>> {
    const clientId = await readableClient(this.db, who, q.clientId);
    const rows = await this.queries.incidents({
      ...q,
      clientId,
      chain: q.chain as Incident['chain'] | undefined,
      after: seqAfter(q.cursor),
      limit: q.limit + 1,
    });
    return pageOf(rows, q.limit, (i) => ({ seq: i.id }));
  }
}

@ApiTags('custody wallets')
@Controller('v1/custody-wallets')
export class CustodyWalletsController {
  constructor(private readonly wallets: CustodyWallets) {}

  @Get()
  @Roles('admin', 'auditor')
  @ApiContract({
    summary: 'Registered custody wallets',
    description:
      'By id, whatever their status: public keys, threshold and Safe — what deposit addresses derive from. A ' +
      'client-scoped auditor sees the operator’s wallets and its own clients’.',
    query: custodyWalletQuery,
    responses: { 200: page(CustodyWalletWire) },
  })
  async list(
    @ContractQuery() q: z.infer<typeof custodyWalletQuery>,
    @CurrentPrincipal() who: Principal,
  ): Promise<Page<CustodyWalletRecord>> {
    // A segregated client's wallet is that client's business; the shared operator wallet holds every pooled client's deposits.
    const all = await this.wallets.list(undefined, who.clients === 'all' ? undefined : who.clients);
    // A deployment has a handful of wallets: the page is cut from the whole list, ordered by id.
    // Code-point order, so the cursor comparison below is the same order whatever the database's collation.
    all.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const after = q.cursor === undefined ? undefined : decodeCursor(WalletCursor, q.cursor).id;
    const rest = after === undefined ? all : all.filter((w) => w.id > after);
    return pageOf(rest.slice(0, q.limit + 1), q.limit, (w) => ({ id: w.id }));
  }
}
