import { createHash } from 'node:crypto';
import { contextMessage, paddingMessage, type InclusionProofV1 } from '@strongroom/proof-verifier';
import { LiabilityTree, type UserBalances } from './liability-tree';
import { MAX_U256, clone, edit, flipFirstByte, invalid, type VectorCase } from './vector-cases';

/**
 * Format 1 vectors: the tree and proof files are what format 1 verifiers were built against and
 * never change; the negative cases carry the user id a verifier is now given and its answers.
 */
const snapshotId = 'vector-snapshot-1';
const assets = ['BTC', 'ETH', 'USDC'];
const salt = Uint8Array.from({ length: 32 }, (_, i) => i);
export const V1_USERS: UserBalances[] = [
  { userId: 'alice@example.com', balances: { BTC: 150000000n, ETH: 2500000000000000000n, USDC: 1000000n } },
  { userId: 'bob', balances: { BTC: 0n, ETH: 0n, USDC: 0n } },
  { userId: 'carol', balances: { BTC: 1n } },
  { userId: 'dave-üñïçødé', balances: { ETH: 340282366920938463463374607431768211456n } },
  { userId: 'erin', balances: { BTC: 2100000000000000n, ETH: 1n, USDC: 999999999999n } },
];

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest();

// Long because the negative cases are one flat table of single edits to one valid proof, meant
// to be read top to bottom beside the spec.
export function v1Vectors(): Record<string, unknown> {
  const tree = LiabilityTree.build({ version: 1, snapshotId, assets, salt, users: V1_USERS });
  const context = sha(contextMessage({ version: 1, snapshotId, assets }));
  const proofs = V1_USERS.map((u) => tree.proofFor(u.userId) as InclusionProofV1);
  const small = {
    description:
      'Proof of liabilities v1: five users, three assets, padded to eight leaves. Rebuild from `input` and compare.',
    input: {
      snapshotId,
      assets,
      salt: hex(salt),
      users: V1_USERS.map((u) => ({
        userId: u.userId,
        balances: Object.fromEntries(Object.entries(u.balances).map(([a, v]) => [a, String(v)])),
      })),
    },
    intermediate: { context: hex(context), paddingLeaf: hex(sha(paddingMessage(1, context))) },
    published: tree.published(),
    proofs,
  };

  const base = proofs[0];
  const user = base.userId;
  const proof = (change: (p: InclusionProofV1) => void) => edit(base, change);
  const root = tree.root;
  const cases: VectorCase[] = [
    {
      name: 'changed_balance',
      description: 'one balance raised by 1',
      proof: proof((p) => (p.balances.BTC = (BigInt(p.balances.BTC) + 1n).toString())),
      user,
      root,
      expect: invalid('root_mismatch'),
    },
    {
      name: 'dropped_sibling',
      description: 'the last sibling removed (leaf index reduced to fit)',
      proof: proof((p) => {
        p.path.pop();
        p.leafIndex %= 2 ** p.path.length;
      }),
      user,
      root,
      expect: invalid('root_mismatch'),
    },
    {
      name: 'wrong_root',
      description: 'a valid proof checked against another published root',
      proof: clone(base),
      user,
      root: 'ab'.repeat(32),
      expect: invalid('expected_root_mismatch', 'root'),
    },
    {
      name: 'altered_proof_root',
      description: 'the root field of the proof replaced',
      proof: proof((p) => (p.root = 'ab'.repeat(32))),
      user,
      root,
      expect: invalid('root_mismatch'),
    },
    {
      name: 'forged_sibling_sum',
      description: "a sibling's ETH sum set to 0 (hiding the liabilities under it)",
      proof: proof((p) => (p.path[1].sums.ETH = '0')),
      user,
      root,
      expect: invalid('root_mismatch'),
    },
    {
      name: 'altered_sibling_hash',
      description: "one byte of a sibling's hash changed",
      proof: proof((p) => (p.path[0].hash = flipFirstByte(p.path[0].hash))),
      user,
      root,
      expect: invalid('root_mismatch'),
    },
    {
      name: 'altered_totals',
      description: 'a claimed total that the path does not add up to',
      proof: proof((p) => (p.totals.USDC = '1')),
      user,
      root,
      expect: invalid('totals_mismatch'),
    },
    {
      name: 'understated_published_totals',
      description: "the published document's totals understated, its root left right (format 1 has no top hash)",
      proof: clone(base),
      user,
      published: edit(tree.published(), (d) => (d.totals.BTC = '150000001')),
      expect: invalid('published_totals_mismatch', 'published'),
    },
    {
      name: 'wrong_nonce',
      description: 'another nonce',
      proof: proof((p) => (p.nonce = flipFirstByte(p.nonce))),
      user,
      root,
      expect: invalid('root_mismatch'),
    },
    {
      name: 'wrong_user',
      description: 'another user id with the same nonce, checked as that user',
      proof: proof((p) => (p.userId = 'mallory')),
      user: 'mallory',
      root,
      expect: invalid('root_mismatch'),
    },
    {
      name: 'other_users_proof',
      description: "bob's proof checked for alice",
      proof: clone(proofs[1]),
      user,
      root,
      expect: invalid('user_mismatch', 'user'),
    },
    {
      name: 'flipped_leaf_index',
      description: 'the leaf claimed on the other side of its sibling',
      proof: proof((p) => (p.leafIndex ^= 1)),
      user,
      root,
      expect: invalid('root_mismatch'),
    },
    {
      name: 'reordered_assets',
      description: 'the asset list reordered (format 1 allows any order, so only the root catches it)',
      proof: proof((p) => (p.assets = [p.assets[1], p.assets[0], p.assets[2]])),
      user,
      root,
      expect: invalid('root_mismatch'),
    },
    {
      name: 'negative_balance',
      description: 'a negative balance (not encodable)',
      proof: proof((p) => (p.balances.ETH = '-1')),
      user,
      root,
      expect: invalid('amount_not_canonical'),
    },
    {
      name: 'balance_too_large',
      description: 'a balance of 2^256',
      proof: proof((p) => (p.balances.ETH = (1n << 256n).toString())),
      user,
      root,
      expect: invalid('amount_range'),
    },
    {
      name: 'sibling_sum_overflow',
      description: 'a sibling sum that overflows u256 when added',
      proof: proof((p) => (p.path[0].sums.BTC = MAX_U256)),
      user,
      root,
      expect: invalid('sum_overflow'),
    },
    {
      name: 'unsupported_version',
      description: 'version 3',
      proof: proof((p) => ((p as unknown as { version: number }).version = 3)),
      user,
      root,
      expect: invalid('unsupported_version'),
    },
    {
      name: 'no_root',
      description: 'a valid proof with no published root or document: only self-consistent',
      proof: clone(base),
      user,
      expect: { outcome: 'self_consistent' },
    },
  ];
  const negative = {
    description: 'Format 1 proofs and the answers a verifier gives, each with the user id it is given.',
    cases,
  };
  return { 'v1-small-tree.json': small, 'v1-negative.json': negative, 'v1-proof-alice.json': base };
}
