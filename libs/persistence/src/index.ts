export * from './database';
export * from './data-source.factory';
export { PGlitePool, openPGlite, pgliteDriver } from './pglite-pool';
export { DATA_DIR_LOCK_FILE, holdsDataDirLock, lockDataDir } from './data-dir-lock';
export type { ContextDescriptor, MigrationClass } from './context-descriptor';
export * from './compose-contexts';
export { migrationStamp, type MigrationStamp } from './migration-order';
export { recordMigrationSql, schemaReferenceProblems } from './schema-references';
