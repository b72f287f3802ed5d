import type { QueryRunner } from 'typeorm';
import type { ComposedContexts } from './compose-contexts';
import type { ContextDescriptor, MigrationClass } from './context-descriptor';

/**
 * The SQL a migration's `up` sends, recorded without a database. Migrations here only call
 * `query()` and never read its result; anything else is refused rather than guessed.
 */
export async function recordMigrationSql(migration: MigrationClass): Promise<string[]> {
  const sql: string[] = [];
  const instance = new migration();
  const runner = new Proxy({} as QueryRunner, {
    get(_target, prop) {
      if (prop === 'query')
        return async (text: string) => {
          sql.push(text);
          return [];
        };
      if (typeof prop === 'symbol' || prop === 'then') return undefined;
      throw new Error(`${instance.name ?? migration.name}: only QueryRunner.query is recorded, not ${prop}`);
    },
  });
  await instance.up(runner);
  return sql;
}

/** Comments and string literals removed: what is left names only real objects. */
export function sqlWithoutLiterals(sql: string): string {
  return sql
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/--[^\n]*/g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''");
}

const NAME = '"?([a-z_][a-z0-9_]*)"?';
const QUALIFIED = new RegExp(`\\b${NAME}\\s*\\.\\s*${NAME}`, 'gi');
const CREATE_SCHEMA = new RegExp(`\\bCREATE\\s+SCHEMA\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${NAME}`, 'gi');
const CREATE_OBJECT = new RegExp(
  `\\bCREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:TABLE|VIEW|MATERIALIZED\\s+VIEW|FUNCTION|PROCEDURE|SEQUENCE|TYPE|DOMAIN)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${NAME}\\s*\\.\\s*${NAME}`,
  'gi',
);
const matches = (re: RegExp, sql: string) => [...sql.matchAll(re)].map((m) => m.slice(1).map((s) => s.toLowerCase()));

/**
 * What is wrong with the schemas a composition's migrations touch (none: an empty list):
 * - a migration creates a schema, or an object in a schema, that its context does not own;
 * - it names an object of another context's schema that its context does not (transitively)
 *   depend on;
 * - it names an object of a dependency's schema that no migration running before it creates.
 * `allSchemas`: every context schema of the system, so that a schema of a context left out of
 * this composition is recognised too (anything else before a dot is taken for an alias).
 */
export async function schemaReferenceProblems(
  composed: ComposedContexts,
  allSchemas: readonly string[],
  sqlOf: (m: MigrationClass) => Promise<string[]> = recordMigrationSql,
): Promise<string[]> {
  const known = new Set([...allSchemas, ...composed.contexts.map((c) => c.schema)]);
  const createdAt = new Map<string, number>();
  const problems: string[] = [];
  for (const [i, run] of composed.runs.entries()) {
    const own = run.context.schema;
    const where = `${run.name} (context '${run.context.name}')`;
    const sql = sqlWithoutLiterals((await sqlOf(run.migration)).join(';\n'));
    for (const [schema] of matches(CREATE_SCHEMA, sql))
      if (schema !== own) problems.push(`${where} creates schema ${schema}; it owns only ${own}`);
    for (const [schema, object] of matches(CREATE_OBJECT, sql)) {
      if (schema !== own) problems.push(`${where} creates ${schema}.${object} outside its schema ${own}`);
      createdAt.set(`${schema}.${object}`, i);
    }
    const allowed = dependencySchemas(run.context, composed);
    for (const [schema, object] of matches(QUALIFIED, sql)) {
      if (schema === own || !known.has(schema)) continue;
      const name = `${schema}.${object}`;
      if (!allowed.has(schema))
        problems.push(`${where} uses ${name}, but '${run.context.name}' does not depend on the owner of ${schema}`);
      else if (!((createdAt.get(name) ?? Infinity) <= i))
        problems.push(`${where} uses ${name}, which no migration running before it creates`);
    }
  }
  return [...new Set(problems)];
}

/** The schemas of a context's dependencies, transitively (names resolved in the composition). */
function dependencySchemas(context: ContextDescriptor, composed: ComposedContexts): Set<string> {
  const byName = new Map(composed.contexts.map((c) => [c.name, c]));
  const schemas = new Set<string>();
  const pending = [...context.dependsOn];
  for (let dep = pending.shift(); dep !== undefined; dep = pending.shift()) {
    const d = typeof dep === 'string' ? byName.get(dep) : dep;
    if (!d || schemas.has(d.schema)) continue;
    schemas.add(d.schema);
    pending.push(...d.dependsOn);
  }
  return schemas;
}
