import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { transform, type Options } from '@swc/core';
import { ENTRIES } from './entries';

/**
 * `npm run build`: every deployable entry bundled to CommonJS under dist/, at its source path with
 * `.js` (dist/apps/ledger/src/main.js), so `__dirname`-relative files resolve as in the sources.
 * Our code is bundled; every npm package stays external and is loaded from the production install
 * (`npm ci --omit=dev`), so a production dependency that is missing fails at start, not silently.
 */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const DIST = path.join(ROOT, 'dist');

/** The image's own launcher and healthcheck, bundled like the apps. */
const IMAGE_TOOLS = [
  'tools/production/src/launch.ts',
  'tools/production/src/healthcheck.ts',
  'tools/production/src/dev-custody-setup.ts',
];

/** Files read at run time beside the code (copied to the same relative place under dist/). */
const ASSETS = ['apps/custody/prices.json'];

/**
 * esbuild cannot emit decorator metadata, which Nest's injection and TypeORM's columns read; SWC
 * (the transpiler tests and `npm start` use, same .swcrc) turns each TypeScript file into
 * JavaScript first and esbuild only resolves and bundles.
 */
function swcPlugin(): Plugin {
  const swcrc = JSON.parse(readFileSync(path.join(ROOT, '.swcrc'), 'utf8')) as Options;
  return {
    name: 'swc',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        const source = readFileSync(args.path, 'utf8');
        const out = await transform(source, {
          ...swcrc,
          swcrc: false,
          filename: args.path,
          sourceMaps: 'inline',
          module: { type: 'es6' },
        });
        return { contents: out.code, loader: 'js' };
      });
    },
  };
}

/** The CLI discovers its commands by listing its commands folder, so each is an entry of its own. */
function cliCommands(): string[] {
  const dir = path.join(ROOT, 'tools/cli/src/commands');
  return readdirSync(dir)
    .filter((f) => /\.command\.ts$/.test(f))
    .map((f) => path.join('tools/cli/src/commands', f));
}

export async function buildAll(log: (line: string) => void = console.log): Promise<void> {
  rmSync(DIST, { recursive: true, force: true });
  const entryPoints = [...Object.values(ENTRIES), ...IMAGE_TOOLS, ...cliCommands()];
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints,
    outdir: DIST,
    outbase: ROOT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    tsconfig: path.join(ROOT, 'tsconfig.base.json'),
    sourcemap: 'linked',
    keepNames: true,
    logLevel: 'warning',
    plugins: [swcPlugin()],
    metafile: true,
  });
  for (const asset of ASSETS) {
    mkdirSync(path.dirname(path.join(DIST, asset)), { recursive: true });
    cpSync(path.join(ROOT, asset), path.join(DIST, asset));
  }
  const outputs = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
  log(`built ${outputs.length} bundles into dist/ (${Object.keys(ENTRIES).join(', ')} and the CLI's commands)`);
}

if (require.main === module || path.resolve(process.argv[1] ?? '') === __filename) {
  buildAll().catch((err: unknown) => {
    console.error(`build: ${(err as Error).message ?? String(err)}`);
    process.exit(1);
  });
}
