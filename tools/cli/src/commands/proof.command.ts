import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  asciiJson,
  auditTree,
  terminalSafe,
  verifyProof,
  verifyPublished,
  type AuditResult,
  type PublishedResult,
  type VerifyResult,
} from '@strongroom/proof-verifier';
import { AssetRegistry } from '@strongroom/shared-assets';
import { formatAssetUnits } from '@strongroom/shared-types';

/**
 * Exit codes of the proof commands (docs/proof-of-liabilities.md § 10, § 14.5): 4 only from
 * `proof audit`, when the holdings given fall short of the liabilities of some asset.
 */
export const EXIT = { valid: 0, invalid: 1, unreadable: 2, selfConsistent: 3, shortfall: 4 } as const;

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
  const exported = read(file, err);
  const published = opts.published === undefined ? undefined : read(opts.published, err);
  const holdings = holdingsFile === undefined ? undefined : read(holdingsFile, err);
  if (!exported || (opts.published !== undefined && !published) || (holdingsFile !== undefined && !holdings))
    return EXIT.unreadable;
  const result = auditTree(exported, { published, expectedRoot: opts.root, holdings });
  if (opts.json) out(asciiJson(result));
  else (result.outcome === 'invalid' ? err : out)(describeAudit(result).map(terminalSafe).join('\n'));
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

const registry = new AssetRegistry();

/** Base units, and asset units for an asset this build knows (an export may list others). */
function withUnits(asset: string, amount: string): string {
  if (!registry.has(asset)) return `${amount} (base units)`;
  return `${amount} (${formatAssetUnits(BigInt(amount), registry.get(asset).decimals)} ${asset})`;
}

function describeAudit(r: AuditResult): string[] {
  if (r.outcome === 'invalid') return [`INVALID (${r.code}) in the ${r.subject} at ${r.at}: ${r.reason}`];
  const taken = r.snapshotTime ? ` taken ${r.snapshotTime}` : '';
  const lines =
    r.outcome === 'valid'
      ? [
          `AUDITED: the export of snapshot ${r.snapshotId}${taken} (format ${r.version}) rebuilds to the published root`,
          `checked against the published ${r.checkedAgainst.join(' and ')} given`,
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
