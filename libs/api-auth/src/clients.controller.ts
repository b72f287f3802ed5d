import { Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Database } from '@strongroom/persistence';
import {
  ApiContract,
  ContractBody,
  ContractParams,
  ContractQuery,
  decodeCursor,
  InjectDatabase,
  page,
  pageOf,
  pageQuery,
} from '@strongroom/shared-http';
import { domainError } from '@strongroom/shared-types';
import { ClientCustodyWire, ClientStatusWire, ClientWire } from './client-wire';
import { CurrentPrincipal } from './current-principal.decorator';
import type { ChangeRequestView } from './dual-control/change-handler';
import { ChangeRequestWire } from './dual-control/change-request-wire';
import { DualControl } from './dual-control/dual-control.service';
import { assertClientScope, type Principal } from './principal';
import { Roles } from './roles.decorator';
import {
  findClient,
  isClientIdFormat,
  listClients,
  parseClientChange,
  parseNewClient,
  requireClient,
  type Client,
} from './clients/clients';
import { AuthErrors } from './auth.errors';

// Ids and names are checked by parseNewClient / parseClientChange (client.invalid, client.reserved).
const CreateBody = z
  .object({
    id: z.string().meta({ description: '1–64 of `[A-Za-z0-9._-]`, starting with a letter or digit; not `operator`.' }),
    name: z.string(),
    custody: ClientCustodyWire,
  })
  .strict();
const PatchBody = z
  .object({ name: z.string().optional(), custody: ClientCustodyWire.optional(), status: ClientStatusWire.optional() })
  .strict();
const ListQuery = z.object(pageQuery).strict();
const Cursor = z.object({ id: z.string().refine(isClientIdFormat) });
const ById = z.object({ id: z.string().meta({ description: 'The client id.' }) });

/**
 * `/v1/clients`: the client registry. Creating a client and changing its segregation or status
 * are dual-control changes (kind `auth.client`, answered 202); reads are for admins and auditors,
 * an auditor seeing only the clients in its scope.
 */
@ApiTags('clients')
@Controller('v1/clients')
export class ClientsController {
  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly dual: DualControl,
  ) {}

  @Roles('admin')
  @Post()
  @HttpCode(202)
  @ApiContract({
    summary: 'Propose a new client',
    description:
      'A dual-control change (kind `auth.client`): 202 with the pending change; a second admin of another owner ' +
      'approves it at `POST /v1/changes/:id/approve`. An id already registered is 409 `client.exists` at once. Admin only.',
    body: CreateBody,
    responses: { 202: ChangeRequestWire },
    errors: [AuthErrors['client.invalid'], AuthErrors['client.reserved'], AuthErrors['client.exists']],
  })
  async create(
    @CurrentPrincipal() by: Principal,
    @ContractBody() input: z.infer<typeof CreateBody>,
  ): Promise<ChangeRequestView> {
    const c = parseNewClient(input);
    if (await findClient(this.db, c.id))
      throw domainError(AuthErrors['client.exists'], 'a client with this id exists', { clientId: c.id });
    return this.dual.propose(by, 'auth.client', { op: 'create', ...c });
  }

  @Roles('admin')
  @Patch(':id')
  @HttpCode(202)
  @ApiContract({
    summary: "Propose a change of a client's custody model, status or name",
    description:
      'A dual-control change (kind `auth.client`, 202): `segregated`/`pooled`, `active`/`suspended`, or the name; ' +
      'at least one of them. Admin only.',
    params: ById,
    body: PatchBody,
    responses: { 202: ChangeRequestWire },
    errors: [AuthErrors['client.invalid'], AuthErrors['client.not_found']],
  })
  async update(
    @CurrentPrincipal() by: Principal,
    @ContractParams() { id }: z.infer<typeof ById>,
    @ContractBody() input: z.infer<typeof PatchBody>,
  ): Promise<ChangeRequestView> {
    const change = parseClientChange(input);
    await requireClient(this.db, id);
    return this.dual.propose(by, 'auth.client', { op: 'update', id, ...change });
  }

  @Roles('auditor')
  @Get()
  @ApiContract({
    summary: 'List clients',
    description: 'By id. Admins and auditors; an auditor sees only the clients in its scope.',
    query: ListQuery,
    responses: { 200: page(ClientWire) },
  })
  async list(
    @CurrentPrincipal() by: Principal,
    @ContractQuery() q: z.infer<typeof ListQuery>,
  ): Promise<{ data: Client[]; nextCursor: string | null }> {
    const after = q.cursor === undefined ? undefined : decodeCursor(Cursor, q.cursor).id;
    const clients = await listClients(this.db, by.clients, { after, limit: q.limit + 1 });
    return pageOf(clients, q.limit, (c) => ({ id: c.id }));
  }

  @Roles('auditor')
  @Get(':id')
  @ApiContract({
    summary: 'One client',
    description:
      'Admins and auditors. A scoped auditor gets 403 `auth.forbidden_client` for a client outside its scope, ' +
      'whether or not it exists.',
    params: ById,
    responses: { 200: ClientWire },
    errors: [AuthErrors['auth.forbidden_client'], AuthErrors['client.not_found']],
  })
  async get(@CurrentPrincipal() by: Principal, @ContractParams() { id }: z.infer<typeof ById>): Promise<Client> {
    // Scope first: a scoped auditor learns nothing about clients outside it, not even existence.
    assertClientScope(by, id);
    return requireClient(this.db, id);
  }
}
