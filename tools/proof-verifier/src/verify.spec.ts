import {
  bytesToHex,
  commitmentMessage,
  contextMessage,
  hexToBytes,
  leafMessage,
  nodeMessage,
  paddingMessage,
  rootMessage,
} from './encoding';
import type { InclusionProof, PublishedRootV2 } from './format';
import { sha256 } from './hash';
import {
  loadVectors,
  negativeCases,
  proofInput,
  publishedInput,
  type EdgeCase,
  type NegativeCase,
} from './testing/vectors';
import { verifyProof, type VerifyResult } from './verify';
import { verifyPublished, type PublishedResult } from './verify-published';

interface SmallTree {
  input: {
    snapshotId: string;
    snapshotTime?: string;
    assets: string[];
    salt: string;
    users: { userId: string; balances: Record<string, string> }[];
  };
  intermediate: { context: string; paddingLeaf: string };
  published: { root: string; totals: Record<string, string>; depth: number };
  proofs: InclusionProof[];
}

const small = { 1: loadVectors<SmallTree>('v1-small-tree.json'), 2: loadVectors<SmallTree>('v2-small-tree.json') };
const edge = loadVectors<{ cases: EdgeCase[] }>('v2-edge.json').cases;
const enc = new TextEncoder();

export function runCase(c: NegativeCase): VerifyResult | PublishedResult {
  if (c.check === 'published') return verifyPublished(publishedInput(c) as object, { expectedRoot: c.root });
  return verifyProof(proofInput(c), {
    userId: c.user as string,
    expectedRoot: c.root,
    published: publishedInput(c),
  });
}

describe.each([1, 2] as const)('format %i vectors', (version) => {
  const tree = small[version];

  it.each(tree.proofs.map((p) => [p.userId, p] as const))(
    'accepts the proof of %s, against the root and against the published document',
    (userId, proof) => {
      for (const trust of [{ expectedRoot: tree.published.root }, { published: tree.published }]) {
        const result = verifyProof(JSON.stringify(proof), { userId, ...trust });
        expect(result).toMatchObject({
          outcome: 'valid',
          valid: true,
          userId,
          root: tree.published.root,
          totals: tree.published.totals,
        });
        const input = tree.input.users.find((u) => u.userId === userId)!;
        if (result.valid) for (const a of tree.input.assets) expect(result.balances[a]).toBe(input.balances[a] ?? '0');
      }
    },
  );

  it.each(negativeCases(`v${version}-negative.json`).map((c) => [c.name, c] as const))(
    'answers %s as the vector says',
    (_name, c) => {
      const result = runCase(c);
      expect(result).toMatchObject(c.expect);
    },
  );

  it('rebuilds the published root from the vector input with a naive reference implementation', () => {
    const { snapshotId, snapshotTime, assets, salt, users } = tree.input;
    const context = sha256(contextMessage({ version, snapshotId, snapshotTime, assets }));
    expect(bytesToHex(context)).toBe(tree.intermediate.context);
    const label = enc.encode(`strongroom-pol-v${version}-nonce`);
    const leaves = users
      .map((u) => {
        const id = enc.encode(u.userId);
        const nonce = sha256(Uint8Array.from([...label, ...hexToBytes(salt), ...context, id.length, ...id]));
        const balances = assets.map((a) => BigInt(u.balances[a] ?? '0'));
        return {
          nonce,
          hash: sha256(leafMessage(version, sha256(commitmentMessage(version, context, nonce, u.userId)), balances)),
          sums: balances,
        };
      })
      .sort((a, b) => (bytesToHex(a.nonce) < bytesToHex(b.nonce) ? -1 : 1));
    const pad = { hash: sha256(paddingMessage(version, context)), sums: assets.map(() => 0n) };
    expect(bytesToHex(pad.hash)).toBe(tree.intermediate.paddingLeaf);
    let level = [...leaves, ...Array.from({ length: 2 ** tree.published.depth - leaves.length }, () => pad)];
    while (level.length > 1) {
      const next = [];
      for (let i = 0; i < level.length; i += 2) {
        const [l, r] = [level[i], level[i + 1]];
        next.push({
          hash: sha256(nodeMessage(version, l.hash, l.sums, r.hash, r.sums)),
          sums: l.sums.map((s, k) => s + r.sums[k]),
        });
      }
      level = next;
    }
    expect(level[0].sums.map(String)).toEqual(assets.map((a) => tree.published.totals[a]));
    if (version === 2) expect(bytesToHex(level[0].hash)).toBe((tree.published as unknown as PublishedRootV2).topHash);
    const root = sha256(rootMessage(version, context, tree.published.depth, level[0].hash, level[0].sums));
    expect(bytesToHex(root)).toBe(tree.published.root);
  });
});

describe('format 2 edge vectors', () => {
  it.each(edge.map((c) => [c.name, c] as const))(
    '%s: the document checks alone and every proof against it',
    (_name, c) => {
      expect(verifyPublished(c.published, { expectedRoot: c.published.root })).toMatchObject({ outcome: 'valid' });
      for (const { user, proof } of c.proofs) {
        expect(verifyProof(proof as object, { userId: user, published: c.published })).toMatchObject({
          outcome: 'valid',
          userId: user,
        });
        expect(verifyProof(proof as object, { userId: user, expectedRoot: c.published.root })).toMatchObject({
          outcome: 'valid',
        });
      }
    },
  );

  it('covers depth 0, depth 32, one asset and 64 assets', () => {
    const depths = edge.flatMap((c) => c.proofs.map((p) => (p.proof as InclusionProof).path.length));
    const assetCounts = edge.flatMap((c) => c.proofs.map((p) => (p.proof as InclusionProof).assets.length));
    expect(depths).toEqual(expect.arrayContaining([0, 32]));
    expect(assetCounts).toEqual(expect.arrayContaining([1, 64]));
  });
});

describe('verifyProof', () => {
  const proof = small[2].proofs[0];
  const root = small[2].published.root;

  it('says valid only with a trusted root, self-consistent without one', () => {
    expect(verifyProof(proof, { userId: proof.userId })).toMatchObject({ outcome: 'self_consistent', valid: false });
    expect(verifyProof(proof, { userId: proof.userId, expectedRoot: ` 0x${root.toUpperCase()} ` })).toMatchObject({
      outcome: 'valid',
      checkedAgainst: ['root'],
    });
  });

  it('reads a parsed object as strictly as its text', () => {
    expect(verifyProof({ ...proof, userId: 'a\ud800' }, { userId: 'a\ud800', expectedRoot: root })).toMatchObject({
      code: 'lone_surrogate',
    });
    expect(verifyProof({ ...proof, leafIndex: 1.5 }, { userId: proof.userId })).toMatchObject({ code: 'non_integer' });
    expect(verifyProof({ big: 1n }, { userId: proof.userId })).toMatchObject({ code: 'json_syntax' });
  });

  it('names the JSON path of what it refuses, quoting foreign text as printable ASCII', () => {
    const r = verifyProof({ ...proof, balances: { ...proof.balances, 'DO\u001bGE': '1' } }, { userId: proof.userId });
    expect(r).toMatchObject({ code: 'asset_set', at: '$.balances.DO\u001bGE' });
    if (!r.valid && r.outcome === 'invalid') expect(r.reason).toMatch(/^[\x20-\x7e]*$/);
  });
});

describe('verifyProof called from plain JavaScript', () => {
  it('answers user_required, not a TypeError, when no options are given', () => {
    const proof = small[2].proofs[0];
    const untyped = verifyProof as (input: unknown, options?: unknown) => VerifyResult;
    expect(untyped(proof)).toMatchObject({ outcome: 'invalid', code: 'user_required', subject: 'user' });
  });
});
