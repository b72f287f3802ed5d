import type { Command } from 'commander';
import {
  verifyRootSignature,
  verifyUserStatement,
  type Checked,
  type SignedRootFacts,
  type UserStatement,
} from '@strongroom/proof-verifier';
import {
  attachToProof,
  CHECK_EXIT,
  readInput,
  readWithPublished,
  reportChecked,
  userGiven,
  type Out,
} from './proof-output';

/** Exit codes as for `strongroom proof verify`: 0 valid, 1 invalid, 2 unreadable input, 3 self-consistent only. */
export const STATEMENT_EXIT = CHECK_EXIT;

export interface StatementOpts {
  user?: string;
  key?: string;
  published?: string;
  json?: boolean;
}

/**
 * `strongroom proof statement <statement.json> --user <id> [--key <hex> | --published <file>]` and
 * `strongroom proof signed-root <published.json> [--key <hex>]`: the custody's signed statements
 * (docs/proof-publication.md), checked by the standalone verifier. They join the `proof` command
 * (proof.command.ts) when it runs: this file loads first, so it attaches itself as `proof` is
 * dispatched, and stays out of that file.
 */
export function register(program: Command): void {
  attachToProof(program, 'statement', addCommands);
}

function addCommands(proof: Command): void {
  proof
    .command('statement')
    .description('verify a signed statement of your balances; exit 0 valid, 1 invalid, 2 unreadable, 3 self-consistent')
    .argument('<statement.json>', "the statement file ('-' for standard input)")
    .option('--user <id>', 'your user id as the operator knows you (required: the statement must be yours)')
    .option('--key <hex>', "the custody's publication key, from a channel you trust")
    .option('--published <file>', "the snapshot's published root document, signed by that key")
    .option('--json', 'print the result as JSON (ASCII only)')
    .action((file: string, opts: StatementOpts) => {
      process.exitCode = runStatement(file, opts, console.log, console.error);
    });
  proof
    .command('signed-root')
    .description("check a published root document and the custody's signature of it; exit codes as for statement")
    .argument('<published.json>', "the published document ('-' for standard input)")
    .option('--key <hex>', "the custody's publication key, from a channel you trust")
    .option('--json', 'print the result as JSON (ASCII only)')
    .action((file: string, opts: StatementOpts) => {
      process.exitCode = runSignedRoot(file, opts, console.log, console.error);
    });
}

export function runStatement(file: string, opts: StatementOpts, out: Out, err: Out): number {
  if (!userGiven(opts.user, 'statement', err)) return STATEMENT_EXIT.unreadable;
  const input = readWithPublished(file, opts.published, err);
  if (!input) return STATEMENT_EXIT.unreadable;
  const result = verifyUserStatement(input.doc, { userId: opts.user, key: opts.key, published: input.published });
  return reportChecked(result, opts.json, out, err, () => describeStatement(result));
}

export function runSignedRoot(file: string, opts: StatementOpts, out: Out, err: Out): number {
  const doc = readInput(file, err);
  if (!doc) return STATEMENT_EXIT.unreadable;
  const result = verifyRootSignature(doc, { key: opts.key });
  return reportChecked(result, opts.json, out, err, () => describeRoot(result));
}

function describeStatement(r: Checked<UserStatement>): string[] {
  if (r.outcome === 'invalid') return [`INVALID (${r.code}) at ${r.at}: ${r.reason}`];
  const head =
    r.outcome === 'valid'
      ? `VALID: the custody states ${r.userId} held these balances in snapshot ${r.snapshotId} taken ${r.snapshotTime}`
      : `SELF-CONSISTENT ONLY: the statement for ${r.userId} is signed by the key it names, ` +
        'but no trusted key was given, so nothing says that key is the custody’s';
  const lines = [head, ...r.assets.map((a) => `  ${a.padEnd(6)} ${r.balances[a]}`)];
  lines.push(`root: ${r.root}`, `issued: ${r.issuedAt}`, `signed by: ${r.publicKey}`);
  if (r.outcome === 'self_consistent') lines.push('pass --key <publication key> or --published <signed root document>');
  return lines;
}

function describeRoot(r: Checked<SignedRootFacts>): string[] {
  if (r.outcome === 'invalid') return [`INVALID (${r.code}) at ${r.at}: ${r.reason}`];
  const head =
    r.outcome === 'valid'
      ? `VALID: the custody's key signed the root of snapshot ${r.snapshotId} taken ${r.snapshotTime}, which binds these totals`
      : 'SELF-CONSISTENT ONLY: the document is signed by the key it names, but no trusted key was given (--key <hex>)';
  return [
    head,
    ...r.assets.map((a) => `  ${a.padEnd(6)} total liabilities ${r.totals[a]}`),
    `depth: ${r.depth}`,
    `root: ${r.root}`,
    `signed by: ${r.signedBy.join(', ')}`,
  ];
}
