import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { verifyAssetsProof } from '@strongroom/proof-verifier';

/**
 * `strongroom assets verify <proof.json> [--challenge c] [--keys published.json]`: checks a proof
 * of assets (POST /v1/proof-of-assets) against the challenge and the keys published at the key
 * ceremony, and lists what each wallet held. Exit 0 valid, 1 invalid, 2 unreadable input.
 */
export function register(program: Command): void {
  const assets = program.command('assets').description('Proofs of assets (custody keys sign an auditor challenge)');
  assets
    .command('verify <proof>')
    .description('Verify a proof of assets document')
    .option('--challenge <text>', 'the challenge the auditor sent (the proof must answer exactly it)')
    .option('--keys <file>', 'JSON list of published wallets [{walletId, threshold, publicKeys}]')
    .option('--json', 'print the verification result as JSON')
    .action(async (file: string, opts: { challenge?: string; keys?: string; json?: boolean }) => {
      let doc: unknown;
      let published: { walletId: string; threshold: number; publicKeys: string[] }[] | undefined;
      try {
        doc = JSON.parse(await readFile(file, 'utf8'));
        if (opts.keys) published = JSON.parse(await readFile(opts.keys, 'utf8'));
      } catch (e) {
        console.error(`cannot read input: ${(e as Error).message}`);
        process.exit(2);
      }
      const r = verifyAssetsProof(doc, { challenge: opts.challenge, published });
      if (opts.json) {
        console.log(JSON.stringify(r, null, 2));
      } else {
        for (const w of r.wallets) {
          const held =
            Object.entries(w.holdings)
              .map(([a, v]) => `${v} ${a}`)
              .join(', ') || 'nothing';
          console.log(
            `${w.walletId} (${w.chain}): ${w.validSignatures}/${w.threshold} signatures valid; holds ${held} (base units)`,
          );
        }
        console.log(`totals: ${JSON.stringify(r.totals)}`);
        if (!opts.keys) console.log('note: no --keys given, so the keys were not compared with the published ones');
        console.log(r.valid ? 'VALID' : `INVALID:\n  ${r.problems.join('\n  ')}`);
      }
      process.exit(r.valid ? 0 : 1);
    });
}
