import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REFUSALS } from './refusals';
import { negativeCases } from './testing/vectors';

const spec = readFileSync(path.resolve(__dirname, '../../../docs/proof-of-liabilities.md'), 'utf8');

describe('refusal codes', () => {
  it('are the table of docs/proof-of-liabilities.md § 9, in the same order', () => {
    const section = spec.slice(spec.indexOf('## 9. Refusal codes'), spec.indexOf('## 10.'));
    const documented = [...section.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual(Object.keys(REFUSALS));
  });

  it('each have a committed negative vector (too_large aside: a 4 MiB vector is not worth committing)', () => {
    const covered = new Set(
      ['v1-negative.json', 'v2-negative.json'].flatMap((f) =>
        negativeCases(f).flatMap((c) => (c.expect.outcome === 'invalid' ? [c.expect.code] : [])),
      ),
    );
    expect(Object.keys(REFUSALS).filter((c) => !covered.has(c as keyof typeof REFUSALS))).toEqual(['too_large']);
  });
});
