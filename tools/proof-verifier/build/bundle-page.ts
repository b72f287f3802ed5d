import path from 'node:path';
import { build } from 'esbuild';

export const PAGE_BUNDLE = path.resolve(__dirname, '../static/verifier.js');

/**
 * Bundles src/page.ts (the verifier, @noble/hashes and @noble/curves) into one readable, unminified IIFE for
 * static/index.html. Deterministic for a given esbuild version, so a spec can compare the
 * committed file with a fresh build.
 */
export async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [path.resolve(__dirname, '../src/page.ts')],
    // Paths in the bundle's comments are relative to this, whatever the current directory.
    absWorkingDir: path.resolve(__dirname, '../../..'),
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    charset: 'utf8',
    legalComments: 'inline',
    logLevel: 'silent',
    banner: {
      js: '// Generated from tools/proof-verifier/src by build/bundle-page.ts; do not edit. Rebuild: node tools/run.js tools/proof-verifier/build/write-page.ts',
    },
  });
  return result.outputFiles[0].text;
}
