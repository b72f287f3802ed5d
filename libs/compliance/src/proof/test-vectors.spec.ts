import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildTestVectors, vectorFileText } from './test-vectors';

describe('committed proof-of-liabilities test vectors', () => {
  it.each(Object.entries(buildTestVectors()))('%s matches what the tree builder produces', (name, value) => {
    const committed = readFileSync(path.resolve(__dirname, '../../../../tools/proof-verifier/vectors', name), 'utf8');
    // If this fails the format changed: bump the version, or rewrite with write-test-vectors.ts.
    expect(committed).toBe(vectorFileText(value));
  });
});
