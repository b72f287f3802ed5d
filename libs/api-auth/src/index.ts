import { AuthInit1763800200000 } from './migrations/auth-init.migration';

/** Migrations of the `auth` schema, in order. */
export const authMigrations = [AuthInit1763800200000];

export * from './api-keys';
export * from './api-keys.controller';
export * from './auth.errors';
export * from './auth.guard';
export * from './auth.module';
export * from './current-principal.decorator';
export * from './nonce-store';
export * from './roles.decorator';
export * from './route-guard-check';
export * from './signature';
export * from './signed-fetch';
