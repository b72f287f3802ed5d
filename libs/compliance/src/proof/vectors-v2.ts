import { createHash } from 'node:crypto';
import {
  bytesToHex,
  commitmentMessage,
  concat,
  contextMessage,
  leafMessage,
  nodeMessage,
  nonceMessage,
  paddingMessage,
  rootMessage,
  type InclusionProofV2,
  type PublishedRootV2,
} from '@strongroom/proof-verifier';
import { LiabilityTree, type UserBalances } from './liability-tree';
import { inclusionDocument, publishedDocument } from './tree-documents';
import { V1_USERS } from './vectors-v1';

/** Format 2 vectors: a small tree with every intermediate value, and the edge cases of the spec. */
export const SMALL = {
  snapshotId: 'vector-snapshot-2',
  snapshotTime: '2026-12-01T00:00:00.000Z',
  assets: ['BTC', 'ETH', 'USDC'],
  salt: Uint8Array.from({ length: 32 }, (_, i) => i),
  // The users of format 1's vector and frank, whose balances grace (not in the tree) shares.
  users: [...V1_USERS, { userId: 'frank', balances: { BTC: 5000n, ETH: 0n, USDC: 0n } }] as UserBalances[],
};

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sha = (b: Uint8Array): Uint8Array => createHash('sha256').update(b).digest();
const strings = (u: UserBalances) => ({
  userId: u.userId,
  balances: Object.fromEntries(Object.entries(u.balances).map(([a, v]) => [a, String(v)])),
});

export function smallTree(change: Partial<typeof SMALL> = {}): LiabilityTree {
  const input = { ...SMALL, ...change };
  return LiabilityTree.build({ ...input, users: input.users });
}

export function v2SmallVectors(): Record<string, unknown> {
  const tree = smallTree();
  const { snapshotId, snapshotTime, assets, salt } = SMALL;
  const contextMsg = contextMessage({ version: 2, snapshotId, snapshotTime, assets });
  const context = sha(contextMsg);
  const alice = SMALL.users[0];
  const nonceMsg = nonceMessage(2, salt, context, alice.userId);
  const nonce = sha(nonceMsg);
  const commitMsg = commitmentMessage(2, context, nonce, alice.userId);
  const leafMsg = leafMessage(
    2,
    sha(commitMsg),
    assets.map((a) => alice.balances[a] ?? 0n),
  );
  const published = tree.published() as PublishedRootV2;
  const rootMsg = rootMessage(
    2,
    context,
    tree.depth,
    Buffer.from(published.topHash, 'hex'),
    assets.map((a) => tree.totals[a]),
  );
  const proofs = SMALL.users.map((u) => tree.proofFor(u.userId) as InclusionProofV2);
  const small = {
    description:
      'Proof of liabilities v2: six users, three assets, padded to eight leaves. Rebuild from `input`; ' +
      '`intermediate` gives the messages (hex) and hashes of the first user, in the order they are computed.',
    input: { snapshotId, snapshotTime, assets, salt: hex(salt), users: SMALL.users.map(strings) },
    intermediate: {
      contextMessage: hex(contextMsg),
      context: hex(context),
      paddingLeaf: hex(sha(paddingMessage(2, context))),
      firstUser: {
        userId: alice.userId,
        nonceMessage: hex(nonceMsg),
        nonce: hex(nonce),
        commitmentMessage: hex(commitMsg),
        commitment: hex(sha(commitMsg)),
        leafMessage: hex(leafMsg),
        leaf: hex(sha(leafMsg)),
      },
      rootMessage: hex(rootMsg),
    },
    published,
    proofs,
  };
  return { 'v2-small-tree.json': small, 'v2-published.json': published, 'v2-proof-alice.json': proofs[0] };
}

interface EdgeCase {
  name: string;
  description: string;
  published: unknown;
  proofs: { user: string; proof: unknown }[];
}

function treeCase(name: string, description: string, input: { assets: string[]; users: UserBalances[] }): EdgeCase {
  const tree = LiabilityTree.build({ ...SMALL, snapshotId: `vector-${name}`, ...input });
  return {
    name,
    description,
    published: tree.published(),
    proofs: input.users.map((u) => ({ user: u.userId, proof: tree.proofFor(u.userId) })),
  };
}

/**
 * A proof of depth 32 without 2^31 users: the siblings are synthetic hashes with chosen sums.
 * A verifier folds what it is given, so this is a valid proof of a 2^32-leaf tree's shape.
 */
function depth32(): EdgeCase {
  const version = 2;
  const { snapshotTime, salt } = SMALL;
  const snapshotId = 'vector-depth-32';
  const assets = ['BTC'];
  const userId = 'zed';
  const context = sha(contextMessage({ version, snapshotId, snapshotTime, assets }));
  const nonce = sha(nonceMessage(version, salt, context, userId));
  let hash = sha(leafMessage(version, sha(commitmentMessage(version, context, nonce, userId)), [7n]));
  let sums = [7n];
  const leafIndex = 0xdeadbeef;
  const label = new TextEncoder().encode('strongroom-pol-v2-synthetic-sibling');
  const path = Array.from({ length: 32 }, (_, level) => {
    const sibling = { hash: sha(concat([label, [level]])), sums: [BigInt(level + 1) * 1000n] };
    hash =
      Math.floor(leafIndex / 2 ** level) % 2 === 1
        ? sha(nodeMessage(version, sibling.hash, sibling.sums, hash, sums))
        : sha(nodeMessage(version, hash, sums, sibling.hash, sibling.sums));
    sums = [sums[0] + sibling.sums[0]];
    return { hash: bytesToHex(sibling.hash), sums: { BTC: sibling.sums[0].toString() } };
  });
  const root = bytesToHex(sha(rootMessage(version, context, 32, hash, sums)));
  const facts = {
    version,
    snapshotId,
    snapshotTime,
    assets,
    depth: 32,
    root,
    topHash: bytesToHex(hash),
    totals: sums,
  } as const;
  const leaf = { userId, nonce: bytesToHex(nonce), balances: { BTC: '7' }, leafIndex, path };
  return {
    name: 'depth_32',
    description:
      'depth 32, leaf index 0xdeadbeef (bit 31 set: 32-bit signed shifts fail it); sibling k has hash ' +
      'SHA-256("strongroom-pol-v2-synthetic-sibling" ‖ u8(k)) and BTC sum 1000·(k+1)',
    published: publishedDocument({ ...facts, assets: [...assets] }),
    proofs: [{ user: userId, proof: inclusionDocument({ ...facts, assets: [...assets] }, leaf) }],
  };
}

export function v2EdgeVectors(): Record<string, unknown> {
  const codes64 = Array.from({ length: 64 }, (_, i) => `A${i.toString().padStart(2, '0')}`);
  const empty = LiabilityTree.build({ ...SMALL, snapshotId: 'vector-empty', users: [] });
  const cases: EdgeCase[] = [
    treeCase('depth_0', 'one user: depth 0, an empty path, the leaf is the top node', {
      assets: ['BTC', 'ETH'],
      users: [{ userId: 'solo', balances: { BTC: (1n << 256n) - 1n } }],
    }),
    {
      name: 'empty',
      description: 'no users: one padding leaf, depth 0, totals 0',
      published: empty.published(),
      proofs: [],
    },
    treeCase('one_asset', 'a single asset', {
      assets: ['BTC'],
      users: ['u1', 'u2', 'u3'].map((userId, i) => ({ userId, balances: { BTC: BigInt(i) * 100000000n } })),
    }),
    treeCase('assets_64', '64 assets, the most a document may list; one user holds only some (the rest are 0)', {
      assets: codes64,
      users: [
        { userId: 'many-1', balances: Object.fromEntries(codes64.map((a, i) => [a, BigInt(i + 1)])) },
        { userId: 'many-2', balances: Object.fromEntries(codes64.map((a, i) => [a, BigInt(i) * 10n ** 18n])) },
        { userId: 'many-3', balances: { A00: 5n, A63: 6n } },
      ],
    }),
    depth32(),
  ];
  return {
    'v2-edge.json': {
      description: 'Format 2 edge cases: each published document with every proof of it and the user it is for.',
      cases,
    },
  };
}
