import { createHash } from 'node:crypto';
import { contextMessage, paddingMessage, type InclusionProof } from '@strongroom/proof-verifier';
import { LiabilityTree, type UserBalances } from './liability-tree';

/**
 * The committed test vectors (tools/proof-verifier/vectors), generated from fixed inputs so any
 * other implementation can rebuild the same tree and compare every byte. A spec fails when the
 * committed files differ from what this produces; rewrite them with
 * `node tools/run.js libs/compliance/src/proof/write-test-vectors.ts`.
 */
export const VECTOR_FILES = ['v1-small-tree.json', 'v1-negative.json', 'v1-proof-alice.json'] as const;

const snapshotId = 'vector-snapshot-1';
const assets = ['BTC', 'ETH', 'USDC'];
const salt = Uint8Array.from({ length: 32 }, (_, i) => i);
const users: UserBalances[] = [
  { userId: 'alice@example.com', balances: { BTC: 150000000n, ETH: 2500000000000000000n, USDC: 1000000n } },
  { userId: 'bob', balances: { BTC: 0n, ETH: 0n, USDC: 0n } },
  { userId: 'carol', balances: { BTC: 1n } },
  { userId: 'dave-üñïçødé', balances: { ETH: 340282366920938463463374607431768211456n } },
  { userId: 'erin', balances: { BTC: 2100000000000000n, ETH: 1n, USDC: 999999999999n } },
];

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest();

// Long because it is the published vector files as one literal: the negative cases are a flat
// table of single edits to one valid proof, meant to be read top to bottom beside the spec.
export function buildTestVectors(): Record<(typeof VECTOR_FILES)[number], unknown> {
  const tree = LiabilityTree.build({ snapshotId, assets, salt, users });
  const context = sha(contextMessage(snapshotId, assets));
  const proofs = users.map((u) => {
    const proof = tree.proofFor(u.userId);
    if (!proof) throw new Error(`no proof for ${u.userId}`);
    return proof;
  });
  const small = {
    description:
      'Proof of liabilities v1: five users, three assets, padded to eight leaves. Rebuild from `input` and compare.',
    input: {
      snapshotId,
      assets,
      salt: hex(salt),
      users: users.map((u) => ({
        userId: u.userId,
        balances: Object.fromEntries(Object.entries(u.balances).map(([a, v]) => [a, String(v)])),
      })),
    },
    intermediate: { context: hex(context), paddingLeaf: hex(sha(paddingMessage(context))) },
    published: tree.published(),
    proofs,
  };

  const base = proofs[0];
  const clone = (): InclusionProof => JSON.parse(JSON.stringify(base)) as InclusionProof;
  const edit = (f: (p: InclusionProof) => void): InclusionProof => {
    const p = clone();
    f(p);
    return p;
  };
  const MAX = ((1n << 256n) - 1n).toString();
  const negative = {
    description: 'Proofs that must be rejected, each with the failure code the reference verifier gives.',
    cases: [
      {
        name: 'changed_balance',
        description: 'one balance raised by 1',
        proof: edit((p) => (p.balances.BTC = (BigInt(p.balances.BTC) + 1n).toString())),
        code: 'root_mismatch',
      },
      {
        name: 'dropped_sibling',
        description: 'the last sibling removed (leaf index reduced to fit)',
        proof: edit((p) => {
          p.path.pop();
          p.leafIndex %= 2 ** p.path.length;
        }),
        code: 'root_mismatch',
      },
      {
        name: 'wrong_root',
        description: 'a valid proof checked against another published root',
        proof: clone(),
        expectedRoot: 'ab'.repeat(32),
        code: 'expected_root_mismatch',
      },
      {
        name: 'altered_proof_root',
        description: 'the root field of the proof replaced',
        proof: edit((p) => (p.root = 'ab'.repeat(32))),
        code: 'root_mismatch',
      },
      {
        name: 'forged_sibling_sum',
        description: "a sibling's ETH sum set to 0 (hiding the liabilities under it)",
        proof: edit((p) => (p.path[1].sums.ETH = '0')),
        code: 'root_mismatch',
      },
      {
        name: 'altered_sibling_hash',
        description: "one byte of a sibling's hash changed",
        proof: edit((p) => (p.path[0].hash = flipFirstByte(p.path[0].hash))),
        code: 'root_mismatch',
      },
      {
        name: 'altered_totals',
        description: 'a claimed total that the path does not add up to',
        proof: edit((p) => (p.totals.USDC = '1')),
        code: 'totals_mismatch',
      },
      {
        name: 'wrong_nonce',
        description: 'another nonce',
        proof: edit((p) => (p.nonce = flipFirstByte(p.nonce))),
        code: 'root_mismatch',
      },
      {
        name: 'wrong_user',
        description: 'another user id with the same nonce',
        proof: edit((p) => (p.userId = 'mallory')),
        code: 'root_mismatch',
      },
      {
        name: 'flipped_leaf_index',
        description: 'the leaf claimed on the other side of its sibling',
        proof: edit((p) => (p.leafIndex ^= 1)),
        code: 'root_mismatch',
      },
      {
        name: 'reordered_assets',
        description: 'the asset list reordered',
        proof: edit((p) => (p.assets = [p.assets[1], p.assets[0], p.assets[2]])),
        code: 'root_mismatch',
      },
      {
        name: 'negative_balance',
        description: 'a negative balance (not encodable)',
        proof: edit((p) => (p.balances.ETH = '-1')),
        code: 'malformed',
      },
      {
        name: 'balance_too_large',
        description: 'a balance of 2^256',
        proof: edit((p) => (p.balances.ETH = (1n << 256n).toString())),
        code: 'malformed',
      },
      {
        name: 'sibling_sum_overflow',
        description: 'a sibling sum that overflows u256 when added',
        proof: edit((p) => (p.path[0].sums.BTC = MAX)),
        code: 'sum_overflow',
      },
      {
        name: 'unsupported_version',
        description: 'version 2',
        proof: edit((p) => ((p as unknown as { version: number }).version = 2)),
        code: 'unsupported_version',
      },
    ],
  };
  return { 'v1-small-tree.json': small, 'v1-negative.json': negative, 'v1-proof-alice.json': base };
}

function flipFirstByte(h: string): string {
  return (parseInt(h.slice(0, 2), 16) ^ 1).toString(16).padStart(2, '0') + h.slice(2);
}

export function vectorFileText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
