import { AuditInit1795322032770 } from './migrations/audit-init.migration';

/** Migrations of the `audit` schema, in order. */
export const auditMigrations = [AuditInit1795322032770];

export * from './audit-entry';
export * from './audit-log';
export * from './audit.module';
export * from './canonical-json';
