import { findCycles } from './cycles';
import { fixtureWorkspace } from './fixture-workspace';

const project = { 'libs/demo/project.json': '{ "name": "demo", "sourceRoot": "libs/demo/src" }' };

describe('findCycles', () => {
  it('passes a project whose folders import one way, the root assembling and sharing', () => {
    const ws = fixtureWorkspace({
      ...project,
      'libs/demo/src/index.ts': "export * from './a/a';\nexport * from './b/b';",
      'libs/demo/src/demo.types.ts': 'export type Id = string;',
      'libs/demo/src/a/a.ts':
        "import type { Id } from '../demo.types';\nimport { b } from '../b/b';\nexport const a = (id: Id) => b(id);",
      'libs/demo/src/b/b.ts': "import type { Id } from '../demo.types';\nexport const b = (id: Id) => id;",
      'libs/demo/src/b/b.spec.ts': "import { a } from '../a/a';\nit('x', () => a('1'));",
    });
    try {
      expect(findCycles(ws.root)).toEqual([]);
    } finally {
      ws.remove();
    }
  });

  it('reports a file cycle and a folder cycle with the imports that make each hop', () => {
    const ws = fixtureWorkspace({
      ...project,
      'libs/demo/src/x.ts': "import { y } from './y';\nexport const x = () => y;",
      'libs/demo/src/y.ts': "import type { x } from './x';\nexport const y = 1; export type X = typeof x;",
      'libs/demo/src/a/a.ts': "import { b } from '../b/b';\nexport const a = b;",
      'libs/demo/src/b/b.ts': 'export const b = 1;',
      'libs/demo/src/b/c.ts': "import { a } from '../a/a';\nexport const c = a;",
    });
    try {
      const reports = findCycles(ws.root);
      expect(reports).toEqual([
        { project: 'demo', level: 'file', members: ['x.ts', 'y.ts'], example: expect.any(Array) },
        { project: 'demo', level: 'folder', members: ['a', 'b'], example: ['a/a.ts -> b/b.ts', 'b/c.ts -> a/a.ts'] },
      ]);
    } finally {
      ws.remove();
    }
  });
});
