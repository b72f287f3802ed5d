import { parseAnchorPayload, snapshotIdHash } from './anchor-payload';

/** An Ethereum transaction as a JSON-RPC node reports it, with its receipt's status. */
export interface AnchorTx {
  hash: string;
  from: string;
  to: string | null;
  value: string | bigint;
  input: string;
  chainId?: string | number | bigint;
  blockNumber: number | null;
  /** 1 when the transaction succeeded (its receipt). */
  status: number | null;
}

export type AnchorResult =
  | { outcome: 'valid'; valid: true; txHash: string; from: string; blockNumber: number; root: string }
  | { outcome: 'invalid'; valid: false; txHash: string; code: AnchorCode; reason: string };

export const ANCHOR_REFUSALS = {
  not_mined: 'the transaction is not in a block, or it failed',
  not_anchor: 'the calldata is not an SRP2 anchor payload',
  wrong_sender: 'the transaction is not from the custody relayer given',
  not_self: 'an anchor is sent by the relayer to itself, with no value',
  snapshot_mismatch: 'the anchor is for another snapshot id',
  root_mismatch: 'the anchor carries another root for this snapshot id',
} as const;
export type AnchorCode = keyof typeof ANCHOR_REFUSALS;

const same = (a: string | null, b: string | null) => a !== null && b !== null && a.toLowerCase() === b.toLowerCase();

/**
 * Checks that a transaction anchors `root` for `snapshotId`: mined and successful, sent by the
 * relayer (when given) to itself with no value, its calldata the anchor payload of exactly them.
 */
export function verifyAnchor(
  tx: AnchorTx,
  expected: { snapshotId: string; root: string; relayer?: string },
): AnchorResult {
  const fail = (code: AnchorCode, reason: string = ANCHOR_REFUSALS[code]): AnchorResult => ({
    outcome: 'invalid',
    valid: false,
    txHash: tx.hash,
    code,
    reason,
  });
  if (tx.blockNumber === null || tx.status !== 1) return fail('not_mined');
  const payload = parseAnchorPayload(tx.input);
  if (!payload) return fail('not_anchor');
  if (expected.relayer !== undefined && !same(tx.from, expected.relayer))
    return fail('wrong_sender', `sent by ${tx.from}, not by the relayer ${expected.relayer}`);
  if (!same(tx.from, tx.to) || BigInt(tx.value) !== 0n) return fail('not_self');
  if (payload.snapshotHash !== snapshotIdHash(expected.snapshotId)) return fail('snapshot_mismatch');
  if (payload.root !== expected.root.toLowerCase())
    return fail('root_mismatch', `the anchor carries root ${payload.root}, not ${expected.root}`);
  return {
    outcome: 'valid',
    valid: true,
    txHash: tx.hash,
    from: tx.from,
    blockNumber: tx.blockNumber,
    root: payload.root,
  };
}

export interface Equivocation {
  snapshotHash: string;
  /** Every distinct root anchored for the snapshot, each with the anchors that carry it, oldest first. */
  roots: { root: string; txs: { hash: string; blockNumber: number }[] }[];
}

/**
 * From the relayer's transactions (any order, anything else among them ignored), the snapshot
 * ids anchored with more than one root: an operator showing two trees for one snapshot.
 * Only mined, successful self-sends of the relayer count (as `verifyAnchor` requires).
 */
export function findEquivocations(txs: AnchorTx[], relayer: string): Equivocation[] {
  const bySnapshot = new Map<string, Map<string, { hash: string; blockNumber: number }[]>>();
  for (const tx of txs) {
    const payload = parseAnchorPayload(tx.input);
    if (!payload || tx.blockNumber === null || tx.status !== 1) continue;
    if (!same(tx.from, relayer) || !same(tx.to, relayer) || BigInt(tx.value) !== 0n) continue;
    const roots = bySnapshot.get(payload.snapshotHash) ?? new Map();
    roots.set(payload.root, [...(roots.get(payload.root) ?? []), { hash: tx.hash, blockNumber: tx.blockNumber }]);
    bySnapshot.set(payload.snapshotHash, roots);
  }
  const found: Equivocation[] = [];
  for (const [snapshotHash, roots] of bySnapshot) {
    if (roots.size < 2) continue;
    const list = [...roots].map(([root, list]) => ({ root, txs: list.sort((a, b) => a.blockNumber - b.blockNumber) }));
    found.push({ snapshotHash, roots: list.sort((a, b) => a.txs[0].blockNumber - b.txs[0].blockNumber) });
  }
  return found;
}
