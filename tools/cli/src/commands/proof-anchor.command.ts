import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  ETHEREUM_ANCHOR,
  asciiJson,
  fetchAnchorTx,
  fetchSentBy,
  findEquivocations,
  terminalSafe,
  verifyAnchor,
  verifyPublished,
  type AnchorResult,
} from '@strongroom/proof-verifier';
import { attachToProof, type Out } from './proof-output';

/** 0: the anchor checks (or no equivocation); 1: it does not (or one was found); 2: unreadable input or chain. */
export const ANCHOR_EXIT = { valid: 0, invalid: 1, unreadable: 2 } as const;

export interface AnchorOpts {
  rpc?: string;
  tx?: string;
  relayer?: string;
  fromBlock?: string;
  json?: boolean;
}

/**
 * `strongroom proof anchor <published.json> --rpc <url> [--tx <hash>] [--relayer <address>]` and
 * `strongroom proof equivocation --rpc <url> --relayer <address> [--from-block <n>]`: the chain
 * anchors of docs/proof-publication.md, read from an Ethereum node the user chooses. Attached to
 * `proof` as it is dispatched, like proof-statement.command.ts.
 */
export function register(program: Command): void {
  attachToProof(program, 'anchor', addCommands);
}

function addCommands(proof: Command): void {
  proof
    .command('anchor')
    .description('check the chain anchor of a published root; exit 0 anchored, 1 not, 2 unreadable')
    .argument('<published.json>', 'the published root document')
    .option('--rpc <url>', 'an Ethereum JSON-RPC node you trust')
    .option('--tx <hash>', "the anchor transaction (default: the document's ethereum-anchor attestation)")
    .option('--relayer <address>', "the custody relayer's address, from a channel you trust")
    .option('--json', 'print the result as JSON (ASCII only)')
    .action(async (file: string, opts: AnchorOpts) => {
      process.exitCode = await runAnchor(file, opts, console.log, console.error);
    });
  proof
    .command('equivocation')
    .description("scan the relayer's anchors for two roots of one snapshot; exit 0 none, 1 found, 2 unreadable")
    .option('--rpc <url>', 'an Ethereum JSON-RPC node you trust')
    .option('--relayer <address>', "the custody relayer's address")
    .option('--from-block <n>', 'first block to scan', '0')
    .option('--json', 'print the result as JSON (ASCII only)')
    .action(async (opts: AnchorOpts) => {
      process.exitCode = await runEquivocation(opts, console.log, console.error);
    });
}

interface AnchorAttestation {
  type: string;
  txHash?: unknown;
  relayer?: unknown;
}

export async function runAnchor(file: string, opts: AnchorOpts, out: Out, err: Out): Promise<number> {
  if (!opts.rpc) return (err('--rpc <url> is required'), ANCHOR_EXIT.unreadable);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return (err(terminalSafe(`cannot read ${file}: ${(e as Error).message}`)), ANCHOR_EXIT.unreadable);
  }
  const doc = verifyPublished(text);
  if (doc.outcome === 'invalid')
    return (
      err(terminalSafe(`INVALID (${doc.code}) in the document at ${doc.at}: ${doc.reason}`)),
      ANCHOR_EXIT.invalid
    );
  const attestation = (JSON.parse(text) as { attestations: AnchorAttestation[] }).attestations.find(
    (a) => a.type === ETHEREUM_ANCHOR,
  );
  const hash = opts.tx ?? (typeof attestation?.txHash === 'string' ? attestation.txHash : undefined);
  if (!hash) return (err('no --tx given and the document records no ethereum-anchor'), ANCHOR_EXIT.unreadable);
  let tx;
  try {
    tx = await fetchAnchorTx(opts.rpc, hash);
  } catch (e) {
    return (err(terminalSafe(`cannot read the chain: ${(e as Error).message}`)), ANCHOR_EXIT.unreadable);
  }
  const result: AnchorResult = tx
    ? verifyAnchor(tx, { snapshotId: doc.snapshotId, root: doc.root, relayer: opts.relayer })
    : { outcome: 'invalid', valid: false, txHash: hash, code: 'not_mined', reason: 'the node does not know it' };
  if (opts.json) out(asciiJson(result));
  else if (result.outcome === 'valid')
    out(
      terminalSafe(
        `ANCHORED: root ${result.root} of snapshot ${doc.snapshotId} in block ${result.blockNumber}, ` +
          `tx ${result.txHash} from ${result.from}${opts.relayer ? ' (the relayer given)' : ' (pass --relayer to check the sender)'}`,
      ),
    );
  else err(terminalSafe(`NOT ANCHORED (${result.code}) by tx ${result.txHash}: ${result.reason}`));
  return result.outcome === 'valid' ? ANCHOR_EXIT.valid : ANCHOR_EXIT.invalid;
}

export async function runEquivocation(opts: AnchorOpts, out: Out, err: Out): Promise<number> {
  if (!opts.rpc || !opts.relayer)
    return (err('--rpc <url> and --relayer <address> are required'), ANCHOR_EXIT.unreadable);
  const from = Number(opts.fromBlock ?? '0');
  if (!Number.isSafeInteger(from) || from < 0)
    return (err('--from-block must be a block number'), ANCHOR_EXIT.unreadable);
  let found;
  try {
    found = findEquivocations(await fetchSentBy(opts.rpc, opts.relayer, from), opts.relayer);
  } catch (e) {
    return (err(terminalSafe(`cannot read the chain: ${(e as Error).message}`)), ANCHOR_EXIT.unreadable);
  }
  if (opts.json) out(asciiJson({ equivocations: found }));
  else if (found.length === 0)
    out(terminalSafe(`no snapshot anchored with two roots by ${opts.relayer} since block ${from}`));
  else
    for (const e of found)
      err(
        terminalSafe(
          `EQUIVOCATION: snapshot hash ${e.snapshotHash} anchored with ${e.roots.length} roots: ` +
            e.roots.map((r) => `${r.root} (tx ${r.txs[0].hash}, block ${r.txs[0].blockNumber})`).join('; '),
        ),
      );
  return found.length === 0 ? ANCHOR_EXIT.valid : ANCHOR_EXIT.invalid;
}
