import { composeContexts } from '@strongroom/persistence';
import { openTestDatabase, testBackends } from '@strongroom/testing';
import { ALL_CONTEXTS } from './all-contexts';

// The real migrations of every context, through the composed list, on a fresh database: they run
// in exactly the order composeContexts gives, and each context composed alone migrates too (its
// dependencies are enough for its migrations).
describe.each(testBackends())('every context migrated through its composition [%s]', (backend) => {
  it('applies every migration once, in the composed order, creating every schema', async () => {
    const composed = composeContexts(ALL_CONTEXTS);
    const t = await openTestDatabase(backend, { contexts: ALL_CONTEXTS });
    try {
      const ran = await t.db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY id');
      expect(ran.map((r) => r.name)).toEqual(composed.runs.map((r) => r.name));
      const schemas = await t.db.query<{ nspname: string }>(
        'SELECT nspname FROM pg_namespace WHERE nspname = ANY($1::text[]) ORDER BY 1',
        [composed.contexts.map((c) => c.schema)],
      );
      expect(schemas.map((s) => s.nspname)).toEqual(composed.contexts.map((c) => c.schema).sort());
    } finally {
      await t.close();
    }
  });

  it.each(ALL_CONTEXTS.map((c) => [c.name, c] as const))('migrates %s alone with its dependencies', async (_n, c) => {
    const composed = composeContexts([c]);
    const t = await openTestDatabase(backend, { contexts: [c] });
    try {
      const ran = await t.db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY id');
      expect(ran.map((r) => r.name)).toEqual(composed.runs.map((r) => r.name));
    } finally {
      await t.close();
    }
  });
});
