import {
  FORMAT,
  amountMap,
  type FormatVersion,
  type InclusionProof,
  type ProofStep,
  type PublishedRoot,
} from '@strongroom/proof-verifier';

/** What a tree's documents say about its snapshot (docs/proof-of-liabilities.md § JSON documents). */
export interface TreeFacts {
  version: FormatVersion;
  snapshotId: string;
  /** Version 2 only. */
  snapshotTime?: string;
  assets: string[];
  depth: number;
  root: string;
  topHash: string;
  totals: bigint[];
}

/** The published root document, in the field order of the spec. */
export function publishedDocument(t: TreeFacts): PublishedRoot {
  const totals = amountMap(t.assets, t.totals);
  if (t.version === 1)
    return {
      format: FORMAT,
      version: 1,
      snapshotId: t.snapshotId,
      assets: [...t.assets],
      depth: t.depth,
      root: t.root,
      totals,
    };
  return {
    format: FORMAT,
    version: 2,
    kind: 'root',
    snapshotId: t.snapshotId,
    snapshotTime: required(t.snapshotTime),
    assets: [...t.assets],
    depth: t.depth,
    topHash: t.topHash,
    totals,
    root: t.root,
    attestations: [],
  };
}

export interface LeafFacts {
  userId: string;
  nonce: string;
  balances: Record<string, string>;
  leafIndex: number;
  path: ProofStep[];
}

/** One user's inclusion proof, in the field order of the spec. */
export function inclusionDocument(t: TreeFacts, leaf: LeafFacts): InclusionProof {
  const common = { assets: [...t.assets], root: t.root, totals: amountMap(t.assets, t.totals), ...leaf };
  if (t.version === 1) return { format: FORMAT, version: 1, snapshotId: t.snapshotId, ...common };
  return {
    format: FORMAT,
    version: 2,
    kind: 'inclusion',
    snapshotId: t.snapshotId,
    snapshotTime: required(t.snapshotTime),
    ...common,
  };
}

function required(time: string | undefined): string {
  if (time === undefined) throw new Error('a version 2 tree has a snapshot time');
  return time;
}
