import { Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { AuditLog } from '@strongroom/audit';
import type { Database } from '@strongroom/persistence';
import {
  ApiContract,
  ContractBody,
  ContractParams,
  ContractQuery,
  decodeCursor,
  InjectDatabase,
  NoBody,
  page,
  pageOf,
  pageQuery,
} from '@strongroom/shared-http';
import { ROLES, type Role } from '@strongroom/shared-types';
import { ApiKeyWire, CreatedApiKeyWire } from './api-key-wire';
import { AuthErrors } from './auth.errors';
import {
  createApiKey,
  isKeyIdFormat,
  listApiKeys,
  parseNewApiKey,
  revokeApiKey,
  type ApiKeyInfo,
  type ClientScope,
  type Principal,
} from './api-keys';
import { requireClient } from './clients/clients';
import { CurrentPrincipal } from './current-principal.decorator';
import { DUAL_CONTROL_ROLES } from './dual-control/auth-change-handlers';
import type { ChangeRequestView } from './dual-control/change-handler';
import { ChangeRequestWire } from './dual-control/change-request-wire';
import { DualControl } from './dual-control/dual-control.service';
import { Roles } from './roles.decorator';

// Names and owners are checked by parseNewApiKey (auth.invalid_name / auth.invalid_owner).
const CreateKey = z
  .object({
    name: z.string(),
    role: z.enum(ROLES as [Role, ...Role[]]),
    owner: z.string(),
    clients: z.union([z.literal('all'), z.array(z.string()).max(1000)]),
  })
  .strict();
const ListQuery = z.object(pageQuery).strict();
const Cursor = z.object({ keyId: z.string().refine(isKeyIdFormat) });
const ByKeyId = z.object({ keyId: z.string().meta({ description: 'The API key id (`srk_…`).' }) });

export interface CreatedKey {
  keyId: string;
  secret: string;
  name: string;
  role: Role;
  owner: string;
  clients: ClientScope;
}

/**
 * `/v1/auth/keys`: API key management for admins over HTTP. Backend and auditor keys are minted
 * by one admin (201, the secret in this response only); admin and approver keys, each able to
 * approve something, go through dual control (202 with the change; the approving admin receives
 * the secret). Every change is in the audit log. Mounted with `AuthModule.forRoot({ keyRoutes: true })`.
 */
@ApiTags('api keys')
@Roles('admin')
@Controller('v1/auth/keys')
export class ApiKeysController {
  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly audit: AuditLog,
    private readonly dual: DualControl,
  ) {}

  @Post()
  @ApiContract({
    summary: 'Create a backend or auditor key; propose an admin or approver key',
    description:
      'A backend or auditor key is minted by one admin: 201 with its secret, in this answer only (neither role ' +
      'can approve anything). An admin or approver key is a dual-control change (kind `auth.key`): 202 with the ' +
      'pending change, and the admin who approves it at `POST /v1/changes/:id/approve` receives the secret. ' +
      'Every client named must exist; a backend key’s clients must be active. Admin only; audited.',
    body: CreateKey,
    responses: { 201: CreatedApiKeyWire, 202: ChangeRequestWire },
    errors: [
      AuthErrors['auth.invalid_name'],
      AuthErrors['auth.invalid_owner'],
      AuthErrors['auth.invalid_clients'],
      AuthErrors['client.not_found'],
      AuthErrors['client.suspended'],
    ],
  })
  async create(
    @CurrentPrincipal() by: Principal,
    @ContractBody() input: z.infer<typeof CreateKey>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreatedKey | ChangeRequestView> {
    const k = parseNewApiKey(input);
    if ((DUAL_CONTROL_ROLES as readonly string[]).includes(k.role)) {
      // Unknown clients are refused now (404), not discovered at approval.
      if (k.clients !== 'all') for (const id of k.clients) await requireClient(this.db, id);
      res.status(202);
      return this.dual.propose(by, 'auth.key', k);
    }
    const creds = await this.db.transaction(async (tx) => {
      const made = await createApiKey(tx, k);
      await this.audit.append(tx, {
        actor: { id: by.keyId, role: by.role },
        action: 'auth.key_created',
        subject: { type: 'api_key', id: made.keyId },
        payload: {
          name: k.name,
          role: k.role,
          owner: k.owner,
          clients: k.clients,
          by: { keyId: by.keyId, owner: by.owner },
        },
      });
      return made;
    });
    res.status(201);
    return { ...creds, name: k.name, role: k.role, owner: k.owner, clients: k.clients };
  }

  @Get()
  @ApiContract({
    summary: 'List API keys',
    description: 'Oldest first (by creation time, then id), revoked keys included; never a secret. Admin only.',
    query: ListQuery,
    responses: { 200: page(ApiKeyWire) },
  })
  async list(
    @ContractQuery() q: z.infer<typeof ListQuery>,
  ): Promise<{ data: ApiKeyInfo[]; nextCursor: string | null }> {
    const after = q.cursor === undefined ? undefined : decodeCursor(Cursor, q.cursor).keyId;
    const keys = await listApiKeys(this.db, { after, limit: q.limit + 1 });
    return pageOf(keys, q.limit, (k) => ({ keyId: k.keyId }));
  }

  @Post(':keyId/revoke')
  @HttpCode(200)
  @ApiContract({
    summary: 'Revoke an API key',
    description:
      'Its requests are refused from now on (401 `auth.revoked`); revoking again keeps the first time. One admin ' +
      'suffices: revoking only removes power. Audited.',
    params: ByKeyId,
    body: NoBody,
    responses: { 200: ApiKeyWire },
    errors: [AuthErrors['auth.key_not_found']],
  })
  async revoke(
    @CurrentPrincipal() by: Principal,
    @ContractParams() { keyId }: z.infer<typeof ByKeyId>,
    @ContractBody() _body: z.infer<typeof NoBody>,
  ): Promise<ApiKeyInfo> {
    return this.db.transaction(async (tx) => {
      await revokeApiKey(tx, keyId);
      const [info] = (await listApiKeys(tx)).filter((k) => k.keyId === keyId);
      await this.audit.append(tx, {
        actor: { id: by.keyId, role: by.role },
        action: 'auth.key_revoked',
        subject: { type: 'api_key', id: keyId },
        payload: { revokedAt: info.revokedAt },
      });
      return info;
    });
  }
}
