import type { MigrationClass } from './context-descriptor';

export interface MigrationStamp {
  migration: MigrationClass;
  /** What TypeORM records in `schema_migrations.name`. */
  name: string;
  timestamp: number;
}

/**
 * The name and timestamp TypeORM gives a migration (MigrationExecutor.getMigrations): the
 * instance's `name`, else its class name, and the number in its last 13 characters. Stricter than
 * TypeORM on one point: those 13 characters must all be digits.
 */
export function migrationStamp(migration: MigrationClass): MigrationStamp {
  const instance = new migration();
  const name = instance.name ?? migration.name;
  if (!/\d{13}$/.test(name))
    throw new Error(`migration ${name}: its name must end in a 13-digit timestamp (TypeORM orders by it)`);
  return { migration, name, timestamp: Number(name.slice(-13)) };
}

/** TypeORM's run order: ascending timestamp; a stable sort, so ties keep the given order. */
export function typeormRunOrder<T extends MigrationStamp>(stamps: readonly T[]): T[] {
  return [...stamps].sort((a, b) => a.timestamp - b.timestamp);
}
