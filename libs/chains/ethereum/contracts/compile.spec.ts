import { readFileSync } from 'node:fs';
import { ARTIFACTS_FILE, compileContracts } from './compile';

describe('committed contract artifacts', () => {
  it('are exactly what solc-js makes of the sources today', () => {
    const committed = JSON.parse(readFileSync(ARTIFACTS_FILE, 'utf8'));
    // Fails when a .sol file changed without `node tools/run.js libs/chains/ethereum/contracts/compile.ts`.
    expect(compileContracts()).toEqual(committed);
  });
});
