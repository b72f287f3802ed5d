import { AuthInit1763800200000 } from './migrations/auth-init.migration';
import { AuthLeastPrivilege1764700010000 } from './migrations/auth-least-privilege.migration';

/** Migrations of the `auth` schema, in order. */
export const authMigrations = [AuthInit1763800200000, AuthLeastPrivilege1764700010000];

export * from './api-keys';
export * from './api-keys.controller';
export * from './auth.errors';
export * from './auth.guard';
export * from './auth.module';
export * from './clients/clients';
export * from './clients.controller';
export * from './current-principal.decorator';
export * from './dual-control/auth-change-handlers';
export * from './dual-control/change-handler';
export * from './dual-control/changes.controller';
export * from './dual-control/dual-control.service';
export * from './nonce-store';
export * from './principal';
export * from './queryable';
export * from './roles.decorator';
export * from './route-guard-check';
export * from './signature';
export * from './signed-fetch';
export * from './text-rules';
