import { readFileSync } from 'node:fs';
import { PAGE_BUNDLE, bundlePage } from './bundle-page';

describe('static/verifier.js', () => {
  it('is the build of the current verifier sources (rebuild with build/write-page.ts)', async () => {
    expect(readFileSync(PAGE_BUNDLE, 'utf8')).toBe(await bundlePage());
  });
});
