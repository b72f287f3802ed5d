import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '@strongroom/audit';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeyGuard, AUTH_OPTIONS, type AuthOptions } from './auth.guard';

export interface AuthModuleOptions extends AuthOptions {
  /** Serve `/v1/auth/keys` (admin): create, list, revoke keys, audited. Needs `auditMigrations`. */
  keyRoutes?: boolean;
}

/**
 * Makes every route of the app require a signed request and a role (see `ApiKeyGuard`).
 * Needs the app's `DATABASE` (DatabaseModule) migrated with `authMigrations`.
 */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions = {}): DynamicModule {
    return {
      module: AuthModule,
      imports: options.keyRoutes ? [AuditModule] : [],
      controllers: options.keyRoutes ? [ApiKeysController] : [],
      providers: [{ provide: AUTH_OPTIONS, useValue: options }, ApiKeyGuard, { provide: APP_GUARD, useExisting: ApiKeyGuard }],
      exports: [ApiKeyGuard, AUTH_OPTIONS],
    };
  }
}
