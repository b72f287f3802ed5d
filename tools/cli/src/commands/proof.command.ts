import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { verifyProof, type VerifyResult } from '@strongroom/proof-verifier';

/**
 * `strongroom proof verify <proof.json> [--root <hex>]`: checks a proof of liabilities with the
 * standalone verifier (tools/proof-verifier), exactly as the browser page does. Exit 0 if valid,
 * 1 if the proof is invalid, 2 if the file cannot be read.
 */
export function register(program: Command): void {
  const proof = program.command('proof').description('Proofs of liabilities');
  proof
    .command('verify')
    .description('verify a user inclusion proof; exit 0 if valid, 1 if not')
    .argument('<proof.json>', "the proof file ('-' for standard input)")
    .option('--root <hex>', 'the root published by the operator; without it only self-consistency is checked')
    .option('--json', 'print the result as JSON')
    .action((file: string, opts: { root?: string; json?: boolean }) => {
      process.exitCode = runVerify(
        file,
        opts,
        (line) => console.log(line),
        (line) => console.error(line),
      );
    });
}

export function runVerify(
  file: string,
  opts: { root?: string; json?: boolean },
  out: (line: string) => void,
  err: (line: string) => void,
): number {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    err(`cannot read ${file}: ${(e as Error).message}`);
    return 2;
  }
  const result = verifyProof(text, opts.root !== undefined ? { expectedRoot: opts.root } : {});
  if (opts.json) out(JSON.stringify(result, null, 2));
  else (result.valid ? out : err)(describe(result));
  return result.valid ? 0 : 1;
}

function describe(r: VerifyResult): string {
  if (!r.valid) return `INVALID (${r.code}): ${r.reason}`;
  const lines = [
    `VALID: ${r.userId} is included in snapshot ${r.snapshotId}`,
    `root: ${r.root}${r.rootChecked ? ' (matches the published root given)' : ''}`,
    ...r.assets.map((a) => `  ${a.padEnd(6)} balance ${r.balances[a]}  (total liabilities ${r.totals[a]})`),
  ];
  if (!r.rootChecked)
    lines.push('note: compare the root above with the one the operator published, or pass --root <hex>');
  return lines.join('\n');
}
