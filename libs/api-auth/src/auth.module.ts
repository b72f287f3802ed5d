import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '@strongroom/audit';
import { parseEnv, platformEnv } from '@strongroom/shared-config';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeyGuard, AUTH_OPTIONS, type AuthOptions } from './auth.guard';
import { ClientsController } from './clients.controller';
import { ChangesController } from './dual-control/changes.controller';
import { DualControl } from './dual-control/dual-control.service';
import { KeyChangeListener } from './key-change-listener';

export interface AuthModuleOptions extends AuthOptions {
  /** Serve `/v1/auth/keys` and `/v1/clients` (admin; client reads for auditors too). */
  keyRoutes?: boolean;
}

/**
 * Makes every route of the app require a signed request and a role (see `ApiKeyGuard`), and
 * provides dual control (`DualControl`, `/v1/changes`). Needs the app's `DATABASE` to hold
 * `authContext` (which brings `audit`).
 */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions = {}): DynamicModule {
    return {
      module: AuthModule,
      imports: [AuditModule],
      controllers: [ChangesController, ...(options.keyRoutes ? [ApiKeysController, ClientsController] : [])],
      providers: [
        { provide: AUTH_OPTIONS, useValue: { keyCacheMs: parseEnv(platformEnv).AUTH_KEY_CACHE_MS, ...options } },
        KeyChangeListener,
        ApiKeyGuard,
        { provide: APP_GUARD, useExisting: ApiKeyGuard },
        DualControl,
      ],
      exports: [ApiKeyGuard, AUTH_OPTIONS, DualControl],
    };
  }
}
