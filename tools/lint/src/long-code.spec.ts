import { longCodeIn, MAX_FILE_LINES, MAX_FUNCTION_LINES } from './long-code';

const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join('\n');
const fn = (name: string, inner: number) => `function ${name}() {\n${body(inner)}\n}\n`;

describe('longCodeIn', () => {
  it('passes a function of exactly the limit and flags one line more', () => {
    const ok = fn('fits', MAX_FUNCTION_LINES - 2);
    const long = fn('tooLong', MAX_FUNCTION_LINES - 1);
    expect(longCodeIn('a.ts', ok)).toEqual([]);
    expect(longCodeIn('a.ts', long)).toEqual([
      { file: 'a.ts', line: 1, name: 'tooLong', lines: MAX_FUNCTION_LINES + 1, justified: false },
    ]);
  });

  it('accepts a "long because" comment right above, on a const arrow or a method', () => {
    const arrow = `// Long because the steps share one transaction.\nexport const run = () => {\n${body(90)}\n};\n`;
    const method = `class A {\n  /** Long because: one state machine. */\n  step() {\n${body(90)}\n  }\n}\n`;
    expect(longCodeIn('a.ts', arrow)).toMatchObject([{ name: 'run', justified: true }]);
    expect(longCodeIn('a.ts', method)).toMatchObject([{ name: 'step', justified: true }]);
  });

  it('accepts the comment above an awaited call for the callback it is given', () => {
    const property = `// Long because one property run.\nawait fc.assert(fc.asyncProperty(arb, async () => {\n${body(90)}\n}));\n`;
    expect(longCodeIn('a.ts', property)).toMatchObject([{ name: 'fc.asyncProperty() callback', justified: true }]);
    expect(longCodeIn('a.ts', property.replace('Long because', 'Because'))).toMatchObject([{ justified: false }]);
  });

  it('reports the outermost long function only', () => {
    const nested = `function outer() {\n  const inner = () => {\n${body(90)}\n  };\n}\n`;
    expect(longCodeIn('a.ts', nested).map((f) => f.name)).toEqual(['outer']);
  });

  it("treats a spec's titled blocks as containers and still checks the helpers inside", () => {
    const spec = `describe('suite', () => {\n  it(\`case\`, () => {\n${body(90)}\n  });\n  const helper = () => {\n${body(90)}\n  };\n});\n`;
    expect(longCodeIn('a.spec.ts', spec, true).map((f) => f.name)).toEqual(['helper']);
    expect(longCodeIn('a.ts', spec).map((f) => f.name)).toEqual(["describe('suite') callback"]);
  });

  it('flags a file over the limit unless its first comment says why', () => {
    const lines = Array.from({ length: MAX_FILE_LINES + 1 }, (_, i) => `export const c${i} = ${i};`).join('\n');
    expect(longCodeIn('a.ts', lines)).toMatchObject([{ name: '(file)', lines: MAX_FILE_LINES + 1, justified: false }]);
    expect(longCodeIn('a.ts', `// Long because it is a table.\n${lines}`)).toMatchObject([{ justified: true }]);
  });
});
