import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { AuditLog } from '@strongroom/audit';
import type { Database } from '@strongroom/persistence';
import { InjectDatabase, parseWith } from '@strongroom/shared-http';
import { ROLES, type Role } from '@strongroom/shared-types';
import {
  createApiKey,
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
  @ApiOperation({
    summary:
      'Create a backend or auditor key (201, secret here only); propose an admin or approver key (202, dual control)',
  })
  async create(
    @CurrentPrincipal() by: Principal,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreatedKey | ChangeRequestView> {
    const k = parseNewApiKey(parseWith(CreateKey, body));
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
  @ApiOperation({ summary: 'List API keys (never secrets)' })
  async list(): Promise<{ keys: ApiKeyInfo[] }> {
    return { keys: await listApiKeys(this.db) };
  }

  @Post(':keyId/revoke')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke an API key; its requests are refused from now on (one admin: revoking only removes power)',
  })
  async revoke(@CurrentPrincipal() by: Principal, @Param('keyId') keyId: string): Promise<ApiKeyInfo> {
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
