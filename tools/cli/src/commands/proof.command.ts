import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  asciiJson,
  terminalSafe,
  verifyProof,
  verifyPublished,
  type PublishedResult,
  type VerifyResult,
} from '@strongroom/proof-verifier';

/** Exit codes of the proof commands (docs/proof-of-liabilities.md § verifiers). */
export const EXIT = { valid: 0, invalid: 1, unreadable: 2, selfConsistent: 3 } as const;

type Out = (line: string) => void;

/**
 * `strongroom proof verify <proof.json> --user <id> [--root <hex> | --published <file>]` and
 * `strongroom proof check-root <published.json> [--root <hex>]`: the standalone verifier
 * (tools/proof-verifier), exactly as the browser page runs it. Files are read as bytes, so the
 * UTF-8 and BOM rules apply; everything printed is escaped (a document's text cannot drive the
 * terminal), and `--json` prints ASCII-only JSON.
 */
export function register(program: Command): void {
  const proof = program.command('proof').description('Proofs of liabilities');
  proof
    .command('verify')
    .description('verify your inclusion proof; exit 0 valid, 1 invalid, 2 unreadable, 3 self-consistent only')
    .argument('<proof.json>', "the proof file ('-' for standard input)")
    .option('--user <id>', 'your user id as the operator knows you (required: the proof must be yours)')
    .option('--root <hex>', 'the root the operator published, from a channel you trust')
    .option('--published <file>', "the operator's published root document")
    .option('--json', 'print the result as JSON (ASCII only)')
    .action((file: string, opts: VerifyOpts) => {
      process.exitCode = runVerify(file, opts, console.log, console.error);
    });
  proof
    .command('check-root')
    .description('check that a published root document binds its totals; exit codes as for verify')
    .argument('<published.json>', "the published document ('-' for standard input)")
    .option('--root <hex>', 'the root as published elsewhere (from a channel you trust)')
    .option('--json', 'print the result as JSON (ASCII only)')
    .action((file: string, opts: { root?: string; json?: boolean }) => {
      process.exitCode = runCheckRoot(file, opts, console.log, console.error);
    });
}

export interface VerifyOpts {
  user?: string;
  root?: string;
  published?: string;
  json?: boolean;
}

function read(file: string, err: Out): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(file === '-' ? 0 : file));
  } catch (e) {
    err(terminalSafe(`cannot read ${file}: ${(e as Error).message}`));
    return undefined;
  }
}

export function runVerify(file: string, opts: VerifyOpts, out: Out, err: Out): number {
  if (opts.user === undefined) {
    err('--user <id> is required: the proof is checked for the user you name, never for the one it names');
    return EXIT.unreadable;
  }
  const proof = read(file, err);
  const published = opts.published === undefined ? undefined : read(opts.published, err);
  if (!proof || (opts.published !== undefined && !published)) return EXIT.unreadable;
  const result = verifyProof(proof, { userId: opts.user, expectedRoot: opts.root, published });
  return report(result, opts.json, out, err, () => describeProof(result));
}

export function runCheckRoot(file: string, opts: { root?: string; json?: boolean }, out: Out, err: Out): number {
  const doc = read(file, err);
  if (!doc) return EXIT.unreadable;
  const result = verifyPublished(doc, { expectedRoot: opts.root });
  return report(result, opts.json, out, err, () => describePublished(result));
}

function report(
  result: VerifyResult | PublishedResult,
  json: boolean | undefined,
  out: Out,
  err: Out,
  text: () => string[],
): number {
  if (json) out(asciiJson(result));
  // Line by line: a newline inside a document's value is escaped, not printed as a line of its own.
  else (result.outcome === 'invalid' ? err : out)(text().map(terminalSafe).join('\n'));
  return result.outcome === 'valid' ? EXIT.valid : result.outcome === 'invalid' ? EXIT.invalid : EXIT.selfConsistent;
}

const amounts = (r: { assets: string[]; totals: Record<string, string> }, balances?: Record<string, string>) =>
  r.assets.map((a) =>
    balances
      ? `  ${a.padEnd(6)} balance ${balances[a]}  (total liabilities ${r.totals[a]})`
      : `  ${a.padEnd(6)} total liabilities ${r.totals[a]}`,
  );

function describeProof(r: VerifyResult): string[] {
  if (r.outcome === 'invalid') return [`INVALID (${r.code}) in the ${r.subject} at ${r.at}: ${r.reason}`];
  const taken = r.snapshotTime ? ` taken ${r.snapshotTime}` : '';
  const lines =
    r.outcome === 'valid'
      ? [
          `VALID: ${r.userId} is included in snapshot ${r.snapshotId}${taken} (format ${r.version})`,
          `checked against the published ${r.checkedAgainst.join(' and ')} given`,
        ]
      : [
          `SELF-CONSISTENT ONLY: the proof for ${r.userId} in snapshot ${r.snapshotId}${taken} agrees with itself, ` +
            'but no published root was given, so nothing says it is the one the operator published',
        ];
  lines.push(...amounts(r, r.balances), `root: ${r.root}`);
  if (r.outcome === 'self_consistent')
    lines.push('compare it with the published root: pass --root <hex> or --published <file>');
  else if (r.uncheckedAttestations.length > 0)
    lines.push(`not checked by this verifier: ${r.uncheckedAttestations.join(', ')}`);
  return lines;
}

function describePublished(r: PublishedResult): string[] {
  if (r.outcome === 'invalid') return [`INVALID (${r.code}) in the ${r.subject} at ${r.at}: ${r.reason}`];
  const head =
    r.outcome === 'valid'
      ? `VALID: the published root of snapshot ${r.snapshotId} taken ${r.snapshotTime} binds these totals`
      : `SELF-CONSISTENT ONLY: the document's root binds its totals, but no root from elsewhere was given (--root <hex>)`;
  return [head, ...amounts(r), `depth: ${r.depth}`, `root: ${r.root}`];
}
