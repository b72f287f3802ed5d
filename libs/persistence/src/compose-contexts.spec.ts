import { composeContexts, ContextCompositionError } from './compose-contexts';
import type { ContextDescriptor } from './context-descriptor';
import { fakeContext, fakeMigration } from './testing/fake-contexts';

const T = 1700000000000;
const names = (cs: readonly { name: string }[]) => cs.map((c) => c.name);
const refused = (roots: ContextDescriptor[], message: RegExp) => {
  expect(() => composeContexts(roots)).toThrow(ContextCompositionError);
  expect(() => composeContexts(roots)).toThrow(message);
};

describe('composeContexts', () => {
  const base = fakeContext('base', [T]);
  const left = fakeContext('left', [T + 10], [base]);
  const right = fakeContext('right', [T + 20], [base]);
  const top = fakeContext('top', [T + 30], [left, right]);

  it('pulls dependencies in transitively, each context after what it depends on', () => {
    expect(names(composeContexts([top]).contexts)).toEqual(['base', 'left', 'right', 'top']);
    expect(names(composeContexts([right, top]).contexts)).toEqual(['base', 'right', 'left', 'top']);
  });

  it('takes a context listed twice, or reached twice, once', () => {
    const composed = composeContexts([top, base, top, left]);
    expect(names(composed.contexts)).toEqual(['base', 'left', 'right', 'top']);
    expect(composed.migrations).toHaveLength(4);
  });

  it('resolves a dependency by name against the other contexts of the composition', () => {
    const byName = fakeContext('byname', [T + 40], ['right']);
    expect(names(composeContexts([byName, right]).contexts)).toEqual(['base', 'right', 'byname']);
  });

  it('refuses a dependency by name on a context not in the composition', () => {
    refused(
      [fakeContext('lonely', [T], ['keys'])],
      /context 'lonely' depends on 'keys', which is not in this composition/,
    );
  });

  it('refuses cycles, naming them', () => {
    const a = fakeContext('a', [T], ['c']);
    const b = fakeContext('b', [T + 1], [a]);
    const c = fakeContext('c', [T + 2], [b]);
    refused([c], /contexts depend on each other: c -> b -> a -> c/);
    refused([fakeContext('self', [T], ['self'])], /self -> self/);
  });

  it('refuses two contexts owning one schema, or sharing one name', () => {
    refused(
      [base, { ...fakeContext('other', [T + 5]), schema: 'base' }],
      /contexts 'base' and 'other' both own schema 'base'/,
    );
    refused([base, fakeContext('base', [T + 5])], /two different contexts are named 'base'/);
    refused([{ ...base, name: 'bad', schema: 'Bad-Schema' }], /bad schema name 'Bad-Schema'/);
  });

  it('refuses an undefined dependency (what an import cycle between context files yields)', () => {
    const broken = { ...fakeContext('broken', [T]), dependsOn: [undefined as unknown as ContextDescriptor] };
    refused([broken], /context 'broken' dependency #0 is not a context descriptor/);
  });

  it('returns the migrations in the order TypeORM runs them: by timestamp, across contexts', () => {
    const early = fakeContext('early', [T + 1, T + 100]);
    const late = fakeContext('late', [T + 50], [early]);
    const composed = composeContexts([late]);
    expect(composed.runs.map((r) => r.name)).toEqual([`Early${T + 1}`, `Late${T + 50}`, `Early${T + 100}`]);
    expect(composed.runs.map((r) => r.context.name)).toEqual(['early', 'late', 'early']);
    expect(composed.migrations).toEqual(composed.runs.map((r) => r.migration));
  });

  it('refuses a context whose listed order is not its timestamp order', () => {
    const swapped = { ...fakeContext('swapped', [T + 2, T + 1]) };
    refused([swapped], /context 'swapped' lists Swapped1700000000001 after Swapped1700000000002/);
  });

  it('refuses migrations sharing a timestamp, or a name, across contexts', () => {
    refused(
      [fakeContext('one', [T]), fakeContext('two', [T])],
      /One1700000000000 \('one'\) and Two1700000000000 \('two'\) share a timestamp/,
    );
    const twice = fakeMigration(`Twice${T}`);
    const a = { ...fakeContext('a', []), migrations: [twice] };
    refused([a, { ...fakeContext('b', []), migrations: [twice] }], /share a name/);
  });

  it('refuses a migration whose name does not end in a 13-digit timestamp', () => {
    refused(
      [{ ...fakeContext('odd', []), migrations: [fakeMigration('Odd123')] }],
      /context 'odd': migration Odd123: its name must end in a 13-digit timestamp/,
    );
  });
});
