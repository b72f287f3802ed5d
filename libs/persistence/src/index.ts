export * from './database';
export * from './data-source.factory';
export { PGlitePool, openPGlite, pgliteDriver } from './pglite-pool';
