import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../main';
import { runVerify } from './proof.command';

const repo = path.resolve(__dirname, '../../../..');
const vectors = path.join(repo, 'tools/proof-verifier/vectors');
const small = JSON.parse(readFileSync(path.join(vectors, 'v1-small-tree.json'), 'utf8')) as {
  published: { root: string };
  proofs: { userId: string }[];
};
const negative = JSON.parse(readFileSync(path.join(vectors, 'v1-negative.json'), 'utf8')) as {
  cases: { name: string; proof: unknown; expectedRoot?: string; code: string }[];
};
const dir = mkdtempSync(path.join(tmpdir(), 'proof-cli-'));

function run(file: string, root?: string): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runVerify(
    file,
    root ? { root } : {},
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('strongroom proof verify', () => {
  it.each(small.proofs.map((p, i) => [p.userId, i] as const))('accepts the vector proof of %s', (userId, i) => {
    const file = path.join(dir, `ok-${i}.json`);
    writeFileSync(file, JSON.stringify(small.proofs[i]));
    const r = run(file, small.published.root);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain(`VALID: ${userId}`);
  });

  it.each(negative.cases.map((c) => [c.name, c] as const))('rejects %s with a reason', (name, c) => {
    const file = path.join(dir, `bad-${name}.json`);
    writeFileSync(file, JSON.stringify(c.proof));
    const r = run(file, c.expectedRoot);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`INVALID (${c.code})`);
  });

  it('exits 2 on a missing file', () => {
    expect(run(path.join(dir, 'nope.json')).code).toBe(2);
  });

  it('is discovered by the CLI entry point and sets the exit code', async () => {
    const cli = async (args: string[]) => {
      const lines: string[] = [];
      const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
      const error = jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
      process.exitCode = undefined;
      try {
        await main(['node', 'strongroom', 'proof', 'verify', ...args]);
        return { status: process.exitCode, output: lines.join('\n') };
      } finally {
        process.exitCode = undefined;
        log.mockRestore();
        error.mockRestore();
      }
    };
    const ok = await cli([path.join(vectors, 'v1-proof-alice.json'), '--root', small.published.root]);
    expect(ok).toMatchObject({ status: 0, output: expect.stringContaining('VALID: alice@example.com') });
    const bad = await cli([path.join(vectors, 'v1-proof-alice.json'), '--root', 'ab'.repeat(32)]);
    expect(bad).toMatchObject({ status: 1, output: expect.stringContaining('expected_root_mismatch') });
  });
});
