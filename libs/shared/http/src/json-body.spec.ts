import fc from 'fast-check';
import { maxNesting, parseJsonBody } from './json-body';
import { textProblem } from './request-text';

/** Reference depth over the parsed value (recursive: fine for the small values generated here). */
const depthOf = (v: unknown): number =>
  Array.isArray(v)
    ? 1 + Math.max(0, ...v.map(depthOf))
    : v !== null && typeof v === 'object'
      ? 1 + Math.max(0, ...Object.values(v).map(depthOf))
      : 0;

// The reference rule, written as plainly as possible: code unit by code unit.
function acceptable(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f)) return false;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

const strings = (v: unknown): string[] =>
  typeof v === 'string'
    ? [v]
    : Array.isArray(v)
      ? v.flatMap(strings)
      : v !== null && typeof v === 'object'
        ? Object.entries(v).flatMap(([k, x]) => [k, ...strings(x)])
        : [];

describe('JSON body rules', () => {
  it('measures nesting on the text exactly as the parsed value nests, whatever the strings hold', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        expect(maxNesting(JSON.stringify(v))).toBe(depthOf(v));
        expect(maxNesting(JSON.stringify(v, null, 2))).toBe(depthOf(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts a string exactly when the code-unit reference rule does', () => {
    const units = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
    );
    fc.assert(
      fc.property(units, (s) => {
        expect(textProblem(s, 'body') === null).toBe(acceptable(s));
      }),
      { numRuns: 5000 },
    );
  });

  it('parses what it accepts to the same value JSON.parse gives', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue({ maxDepth: 4 })), (v) => {
        const text = JSON.stringify(v);
        const clean = strings(v).every(acceptable) && depthOf(v) <= 32;
        if (clean) expect(parseJsonBody(Buffer.from(text), 32)).toEqual(JSON.parse(text));
        else expect(() => parseJsonBody(Buffer.from(text), 32)).toThrow();
      }),
      { numRuns: 1000 },
    );
  });
});
