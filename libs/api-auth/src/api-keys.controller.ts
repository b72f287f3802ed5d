import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AuditLog } from '@strongroom/audit';
import type { Database } from '@strongroom/persistence';
import { InjectDatabase, parseWith } from '@strongroom/shared-http';
import { ROLES } from '@strongroom/shared-types';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyInfo, type Principal } from './api-keys';
import { CurrentPrincipal } from './current-principal.decorator';
import { Roles } from './roles.decorator';

const CreateKey = z.object({ name: z.string().trim().min(1).max(200), role: z.enum(ROLES as [string, ...string[]]) }).strict();

/**
 * `/v1/auth/keys`: API key management for admins over HTTP — the way to mint backend, approver and
 * auditor keys while the embedded app owns its PGlite data directory (the CLI cannot open it
 * then). Each change is recorded in the audit log in the same transaction. Mounted with
 * `AuthModule.forRoot({ keyRoutes: true })`; needs `auditMigrations`.
 */
@ApiTags('api keys')
@Roles('admin')
@Controller('v1/auth/keys')
export class ApiKeysController {
  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly audit: AuditLog,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key; the secret is in this response only' })
  async create(@CurrentPrincipal() by: Principal, @Body() body: unknown): Promise<{ keyId: string; secret: string; name: string; role: string }> {
    const input = parseWith(CreateKey, body);
    const role = input.role as Principal['role'];
    const creds = await this.db.transaction(async (tx) => {
      const made = await createApiKey(tx, { name: input.name, role });
      await this.audit.append(tx, {
        actor: { id: by.keyId, role: by.role },
        action: 'auth.key_created',
        subject: { type: 'api_key', id: made.keyId },
        payload: { name: input.name, role },
      });
      return made;
    });
    return { ...creds, name: input.name, role };
  }

  @Get()
  @ApiOperation({ summary: 'List API keys (never secrets)' })
  async list(): Promise<{ keys: ApiKeyInfo[] }> {
    return { keys: await listApiKeys(this.db) };
  }

  @Post(':keyId/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key; its requests are refused from now on' })
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
