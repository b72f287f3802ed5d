import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { ContextDescriptor, MigrationClass } from '../context-descriptor';

/** A migration named `name` that runs the given statements (tests of the composition). */
export function fakeMigration(name: string, statements: readonly string[] = []): MigrationClass {
  return class implements MigrationInterface {
    name = name;
    async up(q: QueryRunner): Promise<void> {
      for (const sql of statements) await q.query(sql);
    }
    async down(): Promise<void> {
      throw new Error('not reversible');
    }
  };
}

/** A context of schema `name` with migrations `<Name><timestamp>` creating a table each. */
export function fakeContext(
  name: string,
  timestamps: readonly number[],
  dependsOn: ContextDescriptor['dependsOn'] = [],
): ContextDescriptor {
  const cls = name[0].toUpperCase() + name.slice(1);
  const migrations = timestamps.map((t, i) =>
    fakeMigration(`${cls}${t}`, [...(i === 0 ? [`CREATE SCHEMA ${name}`] : []), `CREATE TABLE ${name}.t${t} (id int)`]),
  );
  return { name, schema: name, migrations, dependsOn };
}
