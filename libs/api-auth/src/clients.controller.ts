import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Database } from '@strongroom/persistence';
import { InjectDatabase, parseWith } from '@strongroom/shared-http';
import { domainError } from '@strongroom/shared-types';
import { CurrentPrincipal } from './current-principal.decorator';
import type { ChangeRequestView } from './dual-control/change-handler';
import { DualControl } from './dual-control/dual-control.service';
import { assertClientScope, type Principal } from './principal';
import { Roles } from './roles.decorator';
import {
  findClient,
  listClients,
  parseClientChange,
  parseNewClient,
  requireClient,
  type Client,
} from './clients/clients';
import { AuthErrors } from './auth.errors';

const CreateBody = z.object({ id: z.string(), name: z.string(), custody: z.enum(['segregated', 'pooled']) }).strict();
const PatchBody = z
  .object({
    name: z.string().optional(),
    custody: z.enum(['segregated', 'pooled']).optional(),
    status: z.enum(['active', 'suspended']).optional(),
  })
  .strict();

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
  @ApiOperation({ summary: 'Propose a new client (dual control: a second admin approves at /v1/changes/:id/approve)' })
  async create(@CurrentPrincipal() by: Principal, @Body() body: unknown): Promise<ChangeRequestView> {
    const c = parseNewClient(parseWith(CreateBody, body));
    if (await findClient(this.db, c.id))
      throw domainError(AuthErrors['client.exists'], 'a client with this id exists', { clientId: c.id });
    return this.dual.propose(by, 'auth.client', { op: 'create', ...c });
  }

  @Roles('admin')
  @Patch(':id')
  @HttpCode(202)
  @ApiOperation({
    summary: "Propose a change of a client's custody model (segregated/pooled), status or name (dual control)",
  })
  async update(
    @CurrentPrincipal() by: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<ChangeRequestView> {
    const change = parseClientChange(parseWith(PatchBody, body));
    await requireClient(this.db, id);
    return this.dual.propose(by, 'auth.client', { op: 'update', id, ...change });
  }

  @Roles('auditor')
  @Get()
  @ApiOperation({ summary: 'List clients (an auditor: only those in its scope)' })
  async list(@CurrentPrincipal() by: Principal): Promise<{ clients: Client[] }> {
    return { clients: await listClients(this.db, by.clients) };
  }

  @Roles('auditor')
  @Get(':id')
  @ApiOperation({ summary: 'One client (an auditor: only in its scope, else auth.forbidden_client)' })
  async get(@CurrentPrincipal() by: Principal, @Param('id') id: string): Promise<Client> {
    // Scope first: a scoped auditor learns nothing about clients outside it, not even existence.
    assertClientScope(by, id);
    return requireClient(this.db, id);
  }
}
