import type { MigrationInterface } from 'typeorm';

/** A migration class. Its `name` ends in the 13-digit timestamp TypeORM orders migrations by. */
export type MigrationClass = new () => MigrationInterface;

/**
 * A bounded context as the database sees it: the one schema it owns, the migrations that build
 * that schema, and the contexts whose schemas must exist beside it. No NestJS here: modules take
 * per-app options (`forRoot(…)`), so apps keep importing them; the CLI, tools and specs compose
 * schemas without any module at all.
 */
export interface ContextDescriptor {
  /** Short name used in errors and listings ('ledger', 'auth', …). */
  readonly name: string;
  /** The PostgreSQL schema the context owns; no other context may own it. */
  readonly schema: string;
  /** Its migrations, in the order they were written (which must be their timestamp order). */
  readonly migrations: readonly MigrationClass[];
  /**
   * Contexts whose tables this one's code or migrations read or write. A descriptor is pulled in
   * with its dependencies; a name (for a context this library may not import) must be satisfied
   * by another context of the composition.
   */
  readonly dependsOn: readonly (ContextDescriptor | string)[];
}
