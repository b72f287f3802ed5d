import type { ContextDescriptor, MigrationClass } from './context-descriptor';
import { migrationStamp, typeormRunOrder, type MigrationStamp } from './migration-order';

/** A composition that cannot be built: a cycle, an unknown dependency, a shared schema, a bad timestamp. */
export class ContextCompositionError extends Error {
  override readonly name = 'ContextCompositionError';
}

export interface ComposedMigration extends MigrationStamp {
  context: ContextDescriptor;
}

export interface ComposedContexts {
  /** Every context of the composition, each after the contexts it depends on. */
  readonly contexts: readonly ContextDescriptor[];
  /** Their migrations in the order TypeORM runs them (by timestamp), with the context of each. */
  readonly runs: readonly ComposedMigration[];
  /** The same migrations, as `openDatabase` hands them to TypeORM. */
  readonly migrations: readonly MigrationClass[];
}

const SCHEMA = /^[a-z_][a-z0-9_]*$/;

/**
 * The contexts given and, transitively, those they depend on: ordered dependencies first, with
 * their migrations in the order TypeORM will run them. Refuses cycles, dependencies on contexts
 * not in the composition, two contexts with one name or one schema, and migrations whose
 * timestamps would make TypeORM's order differ from the one each context lists (or depend on how
 * the contexts were listed).
 */
export function composeContexts(roots: readonly ContextDescriptor[]): ComposedContexts {
  const contexts = dependencyOrder(roots, collect(roots));
  const runs = runOrder(contexts);
  return { contexts, runs, migrations: runs.map((r) => r.migration) };
}

/** Every context reachable through descriptor references, by name; checks names and schemas. */
function collect(roots: readonly ContextDescriptor[]): Map<string, ContextDescriptor> {
  const byName = new Map<string, ContextDescriptor>();
  const bySchema = new Map<string, string>();
  const pending = roots.map((c, i) => ({ c, from: `composeContexts argument #${i}` }));
  for (let next = pending.shift(); next; next = pending.shift()) {
    const { c, from } = next;
    if (!c || typeof c !== 'object' || typeof c.name !== 'string')
      throw new ContextCompositionError(`${from} is not a context descriptor (an import cycle between context files?)`);
    const known = byName.get(c.name);
    if (known === c) continue;
    if (known) throw new ContextCompositionError(`two different contexts are named '${c.name}'`);
    if (!SCHEMA.test(c.schema)) throw new ContextCompositionError(`context '${c.name}': bad schema name '${c.schema}'`);
    const owner = bySchema.get(c.schema);
    if (owner) throw new ContextCompositionError(`contexts '${owner}' and '${c.name}' both own schema '${c.schema}'`);
    byName.set(c.name, c);
    bySchema.set(c.schema, c.name);
    c.dependsOn.forEach((d, i) => {
      if (typeof d !== 'string') pending.push({ c: d, from: `context '${c.name}' dependency #${i}` });
    });
  }
  return byName;
}

/** Depth first, in the order given: each context after everything it depends on. */
function dependencyOrder(
  roots: readonly ContextDescriptor[],
  byName: ReadonlyMap<string, ContextDescriptor>,
): ContextDescriptor[] {
  const ordered: ContextDescriptor[] = [];
  const done = new Set<string>();
  const visit = (c: ContextDescriptor, path: readonly string[]): void => {
    if (done.has(c.name)) return;
    if (path.includes(c.name))
      throw new ContextCompositionError(
        `contexts depend on each other: ${[...path.slice(path.indexOf(c.name)), c.name].join(' -> ')}`,
      );
    for (const dep of c.dependsOn) {
      const d = typeof dep === 'string' ? byName.get(dep) : dep;
      if (!d)
        throw new ContextCompositionError(
          `context '${c.name}' depends on '${String(dep)}', which is not in this composition: add its descriptor`,
        );
      visit(d, [...path, c.name]);
    }
    done.add(c.name);
    ordered.push(c);
  };
  for (const c of roots) visit(c, []);
  return ordered;
}

/**
 * The migrations sorted exactly as TypeORM sorts them. Each context's own list must already be in
 * that order, and no two migrations may share a name or a timestamp, so the order never depends
 * on how a composition happened to list its contexts.
 */
function runOrder(contexts: readonly ContextDescriptor[]): ComposedMigration[] {
  const all: ComposedMigration[] = [];
  for (const context of contexts) {
    const own = context.migrations.map((m) => ({ ...stamp(context, m), context }));
    own.slice(1).forEach((m, i) => {
      if (m.timestamp <= own[i].timestamp)
        throw new ContextCompositionError(
          `context '${context.name}' lists ${m.name} after ${own[i].name}, but TypeORM runs by timestamp: list them in timestamp order`,
        );
    });
    all.push(...own);
  }
  const sorted = typeormRunOrder(all);
  sorted.slice(1).forEach((m, i) => {
    const prev = sorted[i];
    if (m.name === prev.name || m.timestamp === prev.timestamp)
      throw new ContextCompositionError(
        `migrations ${prev.name} ('${prev.context.name}') and ${m.name} ('${m.context.name}') share a ${m.name === prev.name ? 'name' : 'timestamp'}`,
      );
  });
  return sorted;
}

function stamp(context: ContextDescriptor, m: MigrationClass): MigrationStamp {
  try {
    return migrationStamp(m);
  } catch (err) {
    throw new ContextCompositionError(`context '${context.name}': ${err instanceof Error ? err.message : String(err)}`);
  }
}
