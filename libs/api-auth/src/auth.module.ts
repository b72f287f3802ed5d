import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyGuard, AUTH_OPTIONS, type AuthOptions } from './auth.guard';

/**
 * Makes every route of the app require a signed request and a role (see `ApiKeyGuard`).
 * Needs the app's `DATABASE` (DatabaseModule) migrated with `authMigrations`.
 */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: AuthOptions = {}): DynamicModule {
    return {
      module: AuthModule,
      providers: [{ provide: AUTH_OPTIONS, useValue: options }, ApiKeyGuard, { provide: APP_GUARD, useExisting: ApiKeyGuard }],
      exports: [ApiKeyGuard, AUTH_OPTIONS],
    };
  }
}
