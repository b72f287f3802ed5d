import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sha256 } from './hash';
import {
  amountsInOrder,
  bytesToHex,
  commitmentMessage,
  contextMessage,
  hexToBytes,
  leafMessage,
  nodeMessage,
  paddingMessage,
  rootMessage,
} from './encoding';
import type { InclusionProof, PublishedRoot } from './format';
import { verifyProof, type VerifyFailure } from './verify';

const vectors = path.resolve(__dirname, '../vectors');
const load = <T>(name: string): T => JSON.parse(readFileSync(path.join(vectors, name), 'utf8')) as T;

interface SmallTree {
  input: {
    snapshotId: string;
    assets: string[];
    salt: string;
    users: { userId: string; balances: Record<string, string> }[];
  };
  intermediate: { context: string; paddingLeaf: string };
  published: PublishedRoot;
  proofs: InclusionProof[];
}
interface Negative {
  cases: { name: string; proof: unknown; expectedRoot?: string; code: VerifyFailure }[];
}

const small = load<SmallTree>('v1-small-tree.json');
const negative = load<Negative>('v1-negative.json');
const enc = new TextEncoder();

describe('proof verifier against the committed vectors', () => {
  it.each(small.proofs.map((p) => [p.userId, p] as const))(
    'accepts the proof of %s with its balances',
    (userId, proof) => {
      const result = verifyProof(JSON.stringify(proof), { expectedRoot: small.published.root });
      expect(result).toMatchObject({
        valid: true,
        userId,
        root: small.published.root,
        totals: small.published.totals,
        rootChecked: true,
      });
      const input = small.input.users.find((u) => u.userId === userId)!;
      if (result.valid) for (const a of small.input.assets) expect(result.balances[a]).toBe(input.balances[a] ?? '0');
    },
  );

  it.each(negative.cases.map((c) => [c.name, c] as const))('rejects %s', (_name, c) => {
    const result = verifyProof(c.proof, c.expectedRoot ? { expectedRoot: c.expectedRoot } : {});
    expect(result).toMatchObject({ valid: false, code: c.code });
  });

  it('rebuilds the published root from the vector input with a naive reference implementation', () => {
    const { snapshotId, assets, salt, users } = small.input;
    const context = sha256(contextMessage(snapshotId, assets));
    expect(bytesToHex(context)).toBe(small.intermediate.context);
    const leaves = users
      .map((u) => {
        const id = enc.encode(u.userId);
        const label = enc.encode('strongroom-pol-v1-nonce');
        const nonce = sha256(Uint8Array.from([...label, ...hexToBytes(salt), ...context, id.length, ...id]));
        const balances = assets.map((a) => BigInt(u.balances[a] ?? '0'));
        return {
          nonce,
          hash: sha256(leafMessage(sha256(commitmentMessage(context, nonce, id)), balances)),
          sums: balances,
        };
      })
      .sort((a, b) => (bytesToHex(a.nonce) < bytesToHex(b.nonce) ? -1 : 1));
    const pad = { hash: sha256(paddingMessage(context)), sums: assets.map(() => 0n) };
    expect(bytesToHex(pad.hash)).toBe(small.intermediate.paddingLeaf);
    let level = [...leaves, ...Array.from({ length: 8 - leaves.length }, () => pad)];
    while (level.length > 1) {
      const next = [];
      for (let i = 0; i < level.length; i += 2) {
        const [l, r] = [level[i], level[i + 1]];
        next.push({
          hash: sha256(nodeMessage(l.hash, l.sums, r.hash, r.sums)),
          sums: l.sums.map((s, k) => s + r.sums[k]),
        });
      }
      level = next;
    }
    expect(level[0].sums).toEqual(amountsInOrder(small.published.totals, assets, 'totals'));
    expect(bytesToHex(sha256(rootMessage(context, 3, level[0].hash, level[0].sums)))).toBe(small.published.root);
  });

  it('explains what is wrong with input that is not a proof', () => {
    expect(verifyProof('{oops')).toMatchObject({ valid: false, code: 'malformed' });
    expect(verifyProof({ ...small.proofs[0], extra: 1 })).toMatchObject({
      valid: false,
      code: 'malformed',
      reason: expect.stringMatching(/extra/),
    });
    const withStepField = JSON.parse(JSON.stringify(small.proofs[0])) as { path: Record<string, unknown>[] };
    withStepField.path[0].note = 'x';
    expect(verifyProof(withStepField)).toMatchObject({
      valid: false,
      code: 'malformed',
      reason: expect.stringMatching(/path\[0\]\.note/),
    });
    expect(verifyProof({ ...small.proofs[0], balances: { BTC: '1' } })).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/missing asset ETH/),
    });
    expect(verifyProof({ ...small.proofs[0], balances: { ...small.proofs[0].balances, DOGE: '1' } })).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/DOGE/),
    });
    expect(verifyProof({ ...small.proofs[0], balances: { ...small.proofs[0].balances, BTC: '01' } })).toMatchObject({
      valid: false,
      code: 'malformed',
    });
  });
});
