import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  Refusal,
  asciiJson,
  parseStrictJson,
  terminalSafe,
  toPlain,
  verifyAssetsProof,
} from '@strongroom/proof-verifier';

type Out = (line: string) => void;
type Published = { walletId: string; threshold: number; publicKeys: string[] }[];

/**
 * `strongroom assets verify <proof.json> [--challenge c] [--keys published.json]`: checks a proof
 * of assets (POST /v1/proof-of-assets) against the challenge and the keys published at the key
 * ceremony, and lists what each wallet held. Both files are read with the strict JSON rules of
 * the proofs; what is printed comes from them, so it is escaped (`--json`: ASCII-only JSON).
 * Exit 0 valid, 1 invalid, 2 unreadable input.
 */
export function register(program: Command): void {
  const assets = program.command('assets').description('Proofs of assets (custody keys sign an auditor challenge)');
  assets
    .command('verify <proof>')
    .description('Verify a proof of assets document')
    .option('--challenge <text>', 'the challenge the auditor sent (the proof must answer exactly it)')
    .option('--keys <file>', 'JSON list of published wallets [{walletId, threshold, publicKeys}]')
    .option('--json', 'print the verification result as JSON (ASCII only)')
    .action((file: string, opts: AssetsOpts) => {
      process.exitCode = runAssetsVerify(file, opts, console.log, console.error);
    });
}

export interface AssetsOpts {
  challenge?: string;
  keys?: string;
  json?: boolean;
}

function readJson(file: string): unknown {
  return toPlain(parseStrictJson(new Uint8Array(readFileSync(file))));
}

export function runAssetsVerify(file: string, opts: AssetsOpts, out: Out, err: Out): number {
  let doc: unknown;
  let published: Published | undefined;
  try {
    doc = readJson(file);
    if (opts.keys) published = readJson(opts.keys) as Published;
  } catch (e) {
    const why = e instanceof Refusal ? `${e.code}: ${e.message}` : (e as Error).message;
    err(terminalSafe(`cannot read input: ${why}`));
    return 2;
  }
  const r = verifyAssetsProof(doc, { challenge: opts.challenge, published });
  if (opts.json) {
    out(asciiJson(r));
    return r.valid ? 0 : 1;
  }
  const lines = r.wallets.map((w) => {
    const held =
      Object.entries(w.holdings)
        .map(([a, v]) => `${v} ${a}`)
        .join(', ') || 'nothing';
    return `${w.walletId} (${w.chain}): ${w.validSignatures}/${w.threshold} signatures valid; holds ${held} (base units)`;
  });
  lines.push(`totals: ${JSON.stringify(r.totals)}`);
  if (!opts.keys) lines.push('note: no --keys given, so the keys were not compared with the published ones');
  lines.push(...(r.valid ? ['VALID'] : ['INVALID:', ...r.problems.map((p) => `  ${p}`)]));
  // Line by line: a newline inside a document's value is escaped, not printed as a line of its own.
  out(lines.map(terminalSafe).join('\n'));
  return r.valid ? 0 : 1;
}
