import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The tool runs where Strongroom does not: only Node built-ins, these npm packages and its own files. */
const ALLOWED = ['bitcoinjs-lib', '@aws-sdk/client-kms', '@noble/curves/secp256k1', 'ethers', 'commander'];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

it('imports nothing of ours', () => {
  const foreign: string[] = [];
  for (const f of files(__dirname)) {
    for (const m of readFileSync(f, 'utf8').matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)) {
      const spec = m[1];
      if (spec.startsWith('.') || spec.startsWith('node:') || ALLOWED.includes(spec)) continue;
      foreign.push(`${path.relative(__dirname, f)}: ${spec}`);
    }
  }
  expect(foreign).toEqual([]);
});
