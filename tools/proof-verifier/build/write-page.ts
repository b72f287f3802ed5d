import { writeFileSync } from 'node:fs';
import { PAGE_BUNDLE, bundlePage } from './bundle-page';

// `node tools/run.js tools/proof-verifier/build/write-page.ts`: rebuilds static/verifier.js.
bundlePage().then((js) => {
  writeFileSync(PAGE_BUNDLE, js);
  console.log(`wrote ${PAGE_BUNDLE} (${js.length} bytes)`);
});
