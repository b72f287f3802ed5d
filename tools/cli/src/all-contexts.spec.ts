import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { composeContexts, schemaReferenceProblems } from '@strongroom/persistence';
import { ALL_CONTEXTS } from './all-contexts';

const root = path.resolve(__dirname, '../../..');
const schemas = ALL_CONTEXTS.map((c) => c.schema);

/** The schema of every `libs/<ctx>/src/<ctx>.context.ts` in the tree. */
function contextFilesSchemas(): string[] {
  return readdirSync(path.join(root, 'libs'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => {
      const src = path.join(root, 'libs', d.name, 'src');
      try {
        return readdirSync(src)
          .filter((f) => f.endsWith('.context.ts'))
          .map((f) => path.join(src, f));
      } catch {
        return [];
      }
    })
    .map((f) => /\bschema: '([a-z_]+)'/.exec(readFileSync(f, 'utf8'))?.[1] ?? `(no schema in ${f})`);
}

describe('every context (ALL_CONTEXTS)', () => {
  it('lists every context descriptor of the tree, and nothing it depends on is left out', () => {
    expect([...schemas].sort()).toEqual(contextFilesSchemas().sort());
    expect(composeContexts(ALL_CONTEXTS).contexts).toHaveLength(ALL_CONTEXTS.length);
  });

  it('has migrations that touch only their own schema and those of the contexts they depend on', async () => {
    expect(await schemaReferenceProblems(composeContexts(ALL_CONTEXTS), schemas)).toEqual([]);
  });

  it.each(ALL_CONTEXTS.map((c) => [c.name, c] as const))(
    'composed alone, %s still finds every schema its migrations use',
    async (_name, context) => {
      expect(await schemaReferenceProblems(composeContexts([context]), schemas)).toEqual([]);
    },
  );
});
