import type { Command } from 'commander';
import {
  auditTree,
  verifyProof,
  verifyPublished,
  type AuditResult,
  type PublishedResult,
  type VerifyResult,
} from '@strongroom/proof-verifier';
import { AssetRegistry } from '@strongroom/shared-assets';
import { formatAssetUnits } from '@strongroom/shared-types';
import {
  CHECK_EXIT,
  checkedAgainstLine,
  invalidLine,
  printChecked,
  readInput,
  readWithPublished,
  reportChecked,
  takenAt,
  userGiven,
  type Out,
} from './proof-output';

/**
 * Exit codes of the proof commands (docs/proof-of-liabilities.md § 10, § 14.5): 4 only from
 * `proof audit`, when the holdings given fall short of the liabilities of some asset.
 */
export const EXIT = { ...CHECK_EXIT, shortfall: 4 } as const;

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
  proof
    .command('audit')
    .description(
      'audit a whole-tree export (GET /v1/snapshots/:id/liabilities/export): rebuild the root, check every leaf, ' +
        'the totals and, with the reconciliation, solvency per asset; exit 0 audited (and solvent), 1 refused, ' +
        '2 unreadable, 3 self-consistent only (no --published or --root), 4 a solvency shortfall',
    )
    .argument('<export.json>', "the export file ('-' for standard input)")
    .option('--published <file>', 'the published root document (GET /v1/snapshots/:id/liabilities)')
    .option('--root <hex>', 'the root as published elsewhere (from a channel you trust)')
    .option('--holdings <file>', "the snapshot's reconciliation (GET /v1/reconciliations/:id): its on-chain holdings")
    .option('--reconciliation <file>', 'the same as --holdings')
    .option('--json', 'print the result as JSON (ASCII only)')
    .action((file: string, opts: AuditOpts) => {
      process.exitCode = runAudit(file, opts, console.log, console.error);
    });
}

export interface AuditOpts {
  published?: string;
  root?: string;
  holdings?: string;
  reconciliation?: string;
  json?: boolean;
}

export function runAudit(file: string, opts: AuditOpts, out: Out, err: Out): number {
  if (opts.holdings !== undefined && opts.reconciliation !== undefined) {
    err('give the holdings once: --holdings or --reconciliation');
    return EXIT.unreadable;
  }
  const holdingsFile = opts.holdings ?? opts.reconciliation;
  const input = readWithPublished(file, opts.published, err);
  const holdings = holdingsFile === undefined ? undefined : readInput(holdingsFile, err);
  if (!input || (holdingsFile !== undefined && !holdings)) return EXIT.unreadable;
  const result = auditTree(input.doc, { published: input.published, expectedRoot: opts.root, holdings });
  printChecked(result, opts.json, out, err, () => describeAudit(result));
  return auditExit(result);
}

/** A shortfall outranks "self-consistent only": the export's own leaves already owe more than is held. */
export function auditExit(r: AuditResult): number {
  if (r.outcome === 'invalid') return EXIT.invalid;
  if (r.solvency && !r.solvency.solvent) return EXIT.shortfall;
  return r.outcome === 'valid' ? EXIT.valid : EXIT.selfConsistent;
}

export interface VerifyOpts {
  user?: string;
  root?: string;
  published?: string;
  json?: boolean;
}

export function runVerify(file: string, opts: VerifyOpts, out: Out, err: Out): number {
  if (!userGiven(opts.user, 'proof', err)) return EXIT.unreadable;
  const input = readWithPublished(file, opts.published, err);
  if (!input) return EXIT.unreadable;
  const result = verifyProof(input.doc, { userId: opts.user, expectedRoot: opts.root, published: input.published });
  return reportChecked(result, opts.json, out, err, () => describeProof(result));
}

export function runCheckRoot(file: string, opts: { root?: string; json?: boolean }, out: Out, err: Out): number {
  const doc = readInput(file, err);
  if (!doc) return EXIT.unreadable;
  const result = verifyPublished(doc, { expectedRoot: opts.root });
  return reportChecked(result, opts.json, out, err, () => describePublished(result));
}

const amounts = (r: { assets: string[]; totals: Record<string, string> }, balances?: Record<string, string>) =>
  r.assets.map((a) =>
    balances
      ? `  ${a.padEnd(6)} balance ${balances[a]}  (total liabilities ${r.totals[a]})`
      : `  ${a.padEnd(6)} total liabilities ${r.totals[a]}`,
  );

function describeProof(r: VerifyResult): string[] {
  if (r.outcome === 'invalid') return [invalidLine(r)];
  const taken = takenAt(r.snapshotTime);
  const lines =
    r.outcome === 'valid'
      ? [
          `VALID: ${r.userId} is included in snapshot ${r.snapshotId}${taken} (format ${r.version})`,
          checkedAgainstLine(r),
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
  if (r.outcome === 'invalid') return [invalidLine(r)];
  const head =
    r.outcome === 'valid'
      ? `VALID: the published root of snapshot ${r.snapshotId} taken ${r.snapshotTime} binds these totals`
      : `SELF-CONSISTENT ONLY: the document's root binds its totals, but no root from elsewhere was given (--root <hex>)`;
  return [head, ...amounts(r), `depth: ${r.depth}`, `root: ${r.root}`];
}

const registry = new AssetRegistry();

/** Base units, and asset units for an asset this build knows (an export may list others). */
function withUnits(asset: string, amount: string): string {
  if (!registry.has(asset)) return `${amount} (base units)`;
  return `${amount} (${formatAssetUnits(BigInt(amount), registry.get(asset).decimals)} ${asset})`;
}

function describeAudit(r: AuditResult): string[] {
  if (r.outcome === 'invalid') return [invalidLine(r)];
  const taken = takenAt(r.snapshotTime);
  const lines =
    r.outcome === 'valid'
      ? [
          `AUDITED: the export of snapshot ${r.snapshotId}${taken} (format ${r.version}) rebuilds to the published root`,
          checkedAgainstLine(r),
        ]
      : [
          `SELF-CONSISTENT ONLY: the export of snapshot ${r.snapshotId}${taken} rebuilds to its own root, but no ` +
            'published root was given, so nothing says it is the tree the operator published',
        ];
  lines.push(
    `${r.leafCount} leaves, depth ${r.depth}: every leaf well-formed and non-negative, no commitment twice`,
    ...r.assets.map((a) => `  ${a.padEnd(6)} total liabilities ${withUnits(a, r.totals[a])}`),
    `root: ${r.root}`,
  );
  if (r.outcome === 'self_consistent')
    lines.push('compare it with the published root: pass --published <file> or --root <hex>');
  if (r.solvency) lines.push(...describeSolvency(r.solvency));
  return lines;
}

function describeSolvency(s: NonNullable<Extract<AuditResult, { outcome: 'valid' }>['solvency']>): string[] {
  const head = s.solvent
    ? `SOLVENT: the on-chain holdings of reconciliation ${s.reconciliationId} cover the liabilities of every asset`
    : `SHORTFALL: the on-chain holdings of reconciliation ${s.reconciliationId} fall short for ` +
      s.lines
        .filter((l) => !l.solvent)
        .map((l) => l.asset)
        .join(', ');
  return [
    head,
    ...s.lines.map(
      (l) =>
        `  ${l.asset.padEnd(6)} assets ${withUnits(l.asset, l.assets)} ${l.solvent ? '>=' : '<'} liabilities ` +
        `${withUnits(l.asset, l.liabilities)}, margin ${withUnits(l.asset, l.margin)}` +
        (l.reported ? '' : ' (the reconciliation has no line for it: held 0)'),
    ),
  ];
}
