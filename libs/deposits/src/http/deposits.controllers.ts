import { Body, Controller, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import {
  assertClientScope,
  CurrentPrincipal,
  requireActiveClient,
  requireClient,
  Roles,
  type Principal,
} from '@strongroom/api-auth';
import type { Database } from '@strongroom/persistence';
import { DATABASE, HttpErrors, parseWith } from '@strongroom/shared-http';
import { domainError } from '@strongroom/shared-types';
import { CHAIN_IDS } from '@strongroom/shared-types';
import { DepositAddresses } from '../addresses/deposit-addresses';
import { DepositQueries } from '../deposit-queries';
import { ID_PATTERN } from '../deposit-tag';
import {
  DEPOSIT_STATES,
  OPERATOR_CLIENT,
  type CustodyWalletRecord,
  type Deposit,
  type DepositAddress,
  type Incident,
} from '../deposits.types';
import { CustodyWallets } from '../wallets/custody-wallets';

const id = z.string().regex(ID_PATTERN, 'must be 1-64 of [A-Za-z0-9._-]');
const asset = z.string().regex(/^[A-Z][A-Z0-9]{1,15}$/, 'must be an asset code such as BTC');
const page = {
  limit: z.coerce.number().int().min(1).max(500).default(100),
  after: z
    .string()
    .regex(/^[0-9]{1,19}$/, 'must be the seq of the last item of the previous page')
    .optional(),
};

// "operator" is the house's own namespace, never a client's (refused before any scope check).
const clientId = id.refine((v) => v !== OPERATOR_CLIENT, 'must not be "operator" (reserved)');
const issueBody = z.strictObject({ clientId, userId: id, asset, fresh: z.boolean().optional() });
const addressQuery = z.strictObject({ clientId: id, userId: id.optional(), asset: asset.optional(), ...page });
const depositQuery = z.strictObject({
  clientId: id.optional(),
  userId: id.optional(),
  asset: asset.optional(),
  chain: z.enum(CHAIN_IDS as [string, ...string[]]).optional(),
  state: z.enum(DEPOSIT_STATES as [string, ...string[]]).optional(),
  txid: z
    .string()
    .regex(/^(0x)?[0-9a-fA-F]{64}$/)
    .optional(),
  ...page,
});
const incidentQuery = z.strictObject({
  clientId: id.optional(),
  chain: z.enum(CHAIN_IDS as [string, ...string[]]).optional(),
  open: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  ...page,
});

/**
 * Reads are client-scoped: a key sees the clients it is scoped to, and a key scoped to one client
 * reads that client when none is named. A key scoped to several must name one (a page mixing
 * clients is not offered); an unknown client is 404, not an empty page. Returns the client to read.
 */
async function readableClient(db: Database, who: Principal, clientId: string | undefined): Promise<string | undefined> {
  if (clientId === undefined) {
    if (who.clients === 'all') return undefined;
    if (who.clients.length === 1) return who.clients[0];
    throw domainError(
      HttpErrors['request.invalid'],
      'clientId is required: this API key is scoped to several clients',
      {
        field: 'clientId',
      },
    );
  }
  assertClientScope(who, clientId);
  await requireClient(db, clientId);
  return clientId;
}

interface Page<T> {
  items: T[];
  next: string | null;
}
const pageOf = <T>(items: T[], limit: number, key: (t: T) => string): Page<T> => ({
  items,
  next: items.length === limit ? key(items[items.length - 1]) : null,
});

@ApiTags('deposit addresses')
@Controller('v1/deposit-addresses')
export class DepositAddressesController {
  constructor(
    private readonly addresses: DepositAddresses,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  @Post()
  @Roles('backend')
  @ApiOperation({
    summary: 'The deposit address of (client, user, asset)',
    description:
      'Idempotent: the same address on every call (200) until `fresh: true` asks for a new one (201, next index). ' +
      'The address is derived from the custody wallet and the tag `<clientId>/<userId>/<asset>/<index>`.',
  })
  async issue(
    @Body() body: unknown,
    @CurrentPrincipal() who: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DepositAddress> {
    const input = parseWith(issueBody, body);
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
  @ApiOperation({ summary: 'Deposit addresses of a client (optionally one user / asset), oldest first' })
  async list(@Query() query: unknown, @CurrentPrincipal() who: Principal): Promise<Page<DepositAddress>> {
    const q = parseWith(addressQuery, query);
    await readableClient(this.db, who, q.clientId);
    return pageOf(await this.addresses.list(q), q.limit, (a) => a.id);
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
  @ApiOperation({
    summary: 'Deposits, oldest first, filtered by client, user, asset, chain, state or txid; page with `after`',
  })
  async list(@Query() query: unknown, @CurrentPrincipal() who: Principal): Promise<Page<Deposit>> {
    const q = parseWith(depositQuery, query);
    q.clientId = await readableClient(this.db, who, q.clientId);
    return pageOf(await this.queries.deposits(q as Parameters<DepositQueries['deposits']>[0]), q.limit, (d) => d.seq);
  }

  @Get(':id')
  @Roles('backend', 'auditor')
  @ApiOperation({
    summary: 'One deposit by id `<chain>:<txid>:<index>` (the webhook subject without its `deposit:` prefix)',
  })
  async one(@Param('id') id: string, @CurrentPrincipal() who: Principal): Promise<Deposit> {
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
  @ApiOperation({ summary: 'Incidents: credited deposits a reorg removed, with what was recovered and the shortfall' })
  async list(@Query() query: unknown, @CurrentPrincipal() who: Principal): Promise<Page<Incident>> {
    const q = parseWith(incidentQuery, query);
    q.clientId = await readableClient(this.db, who, q.clientId);
    return pageOf(await this.queries.incidents(q as Parameters<DepositQueries['incidents']>[0]), q.limit, (i) => i.id);
  }
}

@ApiTags('custody wallets')
@Controller('v1/custody-wallets')
export class CustodyWalletsController {
  constructor(private readonly wallets: CustodyWallets) {}

  @Get()
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary:
      "Registered custody wallets (public keys, threshold, Safe): what deposit addresses derive from; a client-scoped auditor sees the operator's wallets and its clients' own",
  })
  async list(@CurrentPrincipal() who: Principal): Promise<{ items: CustodyWalletRecord[] }> {
    // A segregated client's wallet is that client's business; the shared operator wallet holds every pooled client's deposits.
    return { items: await this.wallets.list(undefined, who.clients === 'all' ? undefined : who.clients) };
  }
}
