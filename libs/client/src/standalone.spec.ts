import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// What an exchange backend installs to use the client: these two packages and Node's built-ins.
// Lint already refuses imports of other Strongroom projects; this also holds the package list.
const PACKAGES = new Set(['openapi-fetch', 'standardwebhooks']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' ? [] : sources(full);
    return /\.ts$/.test(e.name) && !/\.(integration-)?spec\.ts$/.test(e.name) ? [full] : [];
  });
}

describe('the client stands alone', () => {
  it('imports only its own files, Node built-ins, openapi-fetch and standardwebhooks', () => {
    const src = __dirname;
    const outside: string[] = [];
    for (const file of sources(src)) {
      const text = readFileSync(file, 'utf8');
      for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        const own = spec.startsWith('.') && path.resolve(path.dirname(file), spec).startsWith(src + path.sep);
        if (!own && !spec.startsWith('node:') && !PACKAGES.has(spec))
          outside.push(`${path.relative(src, file)}: ${spec}`);
      }
    }
    expect(sources(src).length).toBeGreaterThan(8);
    expect(outside).toEqual([]);
  });
});
