import fc from 'fast-check';
import { canonicalJson, toJsonValue, type JsonValue } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: [{ d: true, c: null }], '€': 'x', A: '\u2028"' })).toBe(
      '{"A":"\u2028\\"","a":[{"c":null,"d":true}],"b":1,"€":"x"}',
    );
  });

  it('numbers as ECMAScript prints them (RFC 8785)', () => {
    expect(canonicalJson([1e21, 0.1, -0, 1.5e-7, 100])).toBe('[1e+21,0.1,0,1.5e-7,100]');
  });

  it('is independent of key order (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const shuffled = JSON.parse(
          JSON.stringify(v, (_k, x: unknown) =>
            x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).reverse()) : x,
          ),
        ) as JsonValue;
        expect(canonicalJson(toJsonValue(shuffled))).toBe(canonicalJson(toJsonValue(v)));
      }),
    );
  });

  it('refuses bigint and non-finite numbers', () => {
    expect(() => toJsonValue({ amount: 5n })).toThrow(/decimal strings/);
    expect(() => canonicalJson(NaN)).toThrow();
  });
});
