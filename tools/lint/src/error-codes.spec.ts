import { readFileSync } from 'node:fs';
import path from 'node:path';
import { codeLiteralsIn, findCodeLiterals } from './code-literals';
import { loadCatalogues } from './error-catalogues';
import { ERROR_DOC, renderErrorDoc } from './error-docs';

const root = path.resolve(__dirname, '../../..');
const codes = new Set(loadCatalogues(root).flatMap((c) => c.entries.map((e) => e.code)));

describe('error codes', () => {
  it(`${ERROR_DOC} is what npm run docs:errors writes`, () => {
    expect(readFileSync(path.join(root, ERROR_DOC), 'utf8')).toBe(renderErrorDoc(root));
  });

  it('no code is written as a string outside its catalogue (catalogued contexts)', () => {
    const found = findCodeLiterals(root, codes).map((l) => `${l.file}:${l.line} '${l.text}'`);
    expect(found).toEqual([]);
  });

  it('flags a catalogued code in a comparison and a bare code given to an error helper', () => {
    const text = [
      "if (err.code === 'account.not_found') throw new DomainError('brand.new', 400, 'x');",
      "throw domainError(LedgerErrors['account.not_found'], 'fine');",
      "const map = { 'account.not_found': 1 };",
    ].join('\n');
    expect(codeLiteralsIn('x.ts', codes, text).map((l) => l.text)).toEqual(['account.not_found', 'brand.new']);
  });
});
