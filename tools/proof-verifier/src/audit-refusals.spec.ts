import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AUDIT_REFUSALS } from './audit-refusals';

const spec = readFileSync(path.resolve(__dirname, '../../../docs/proof-of-liabilities.md'), 'utf8');

describe('audit refusal codes', () => {
  it('are the table of docs/proof-of-liabilities.md § 14.2, in the same order', () => {
    const section = spec.slice(spec.indexOf('### 14.2 Audit refusal codes'), spec.indexOf('### 14.3'));
    const documented = [...section.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual(Object.keys(AUDIT_REFUSALS));
  });
});
