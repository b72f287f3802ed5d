import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildTestVectors, vectorFileText } from './test-vectors';

// `node tools/run.js libs/compliance/src/proof/write-test-vectors.ts`: rewrites the committed vectors.
const dir = path.resolve(__dirname, '../../../../tools/proof-verifier/vectors');
for (const [name, value] of Object.entries(buildTestVectors())) {
  writeFileSync(path.join(dir, name), vectorFileText(value));
  console.log(`wrote ${path.join(dir, name)}`);
}
