import { randomBytes } from 'node:crypto';
import {
  auditTree,
  bytesToHex,
  commitmentMessage,
  contextMessage,
  rootMessage,
  sha256,
  hexToBytes,
  type TreeExport,
} from '@strongroom/proof-verifier';
import { LiabilityTree } from './liability-tree';
import { exportTree, exportTreeJson } from './tree-export';

const snapshot = { snapshotId: 'snap-audit', snapshotTime: '2026-12-03T12:00:00.000Z', assets: ['BTC', 'ETH'] };

function tree(n: number): LiabilityTree {
  const users = Array.from({ length: n }, (_, i) => ({
    userId: `client/user-${i}`,
    balances: i % 7 === 0 ? { BTC: BigInt(i + 1) } : { BTC: BigInt(i * 3 + 1), ETH: 10n ** 18n + BigInt(i) },
  }));
  return LiabilityTree.build({ ...snapshot, salt: randomBytes(32), users });
}

const text = (doc: unknown) => JSON.stringify(doc);
const copy = (doc: TreeExport): TreeExport => JSON.parse(text(doc)) as TreeExport;

/** Re-binds a version 2 published document to changed totals, as a cheating operator would. */
function rebind(doc: TreeExport, totals: Record<string, string>): void {
  const p = doc.published as unknown as {
    topHash: string;
    depth: number;
    root: string;
    totals: Record<string, string>;
  };
  p.totals = totals;
  const context = sha256(contextMessage({ version: 2, ...snapshot }));
  const message = rootMessage(
    2,
    context,
    p.depth,
    hexToBytes(p.topHash),
    snapshot.assets.map((a) => BigInt(totals[a])),
  );
  p.root = bytesToHex(sha256(message));
}

describe('whole-tree export and audit', () => {
  const big = tree(100_000);
  const exported = exportTree(big);
  const good = text(exported);

  it('a 100k-user export rebuilds to the published root, and names no user', () => {
    const result = auditTree(good, { expectedRoot: big.root });
    expect(result).toMatchObject({
      outcome: 'valid',
      leafCount: 100_000,
      depth: 17,
      root: big.root,
      totals: { BTC: big.totals.BTC.toString(), ETH: big.totals.ETH.toString() },
    });
    expect(good).not.toContain('user-');
    // A user finds their own leaf: the commitment of the nonce in their inclusion proof.
    const proof = big.proofFor('client/user-42');
    if (!proof) throw new Error('no proof');
    const context = sha256(contextMessage({ version: 2, ...snapshot }));
    const c = bytesToHex(sha256(commitmentMessage(2, context, hexToBytes(proof.nonce), 'client/user-42')));
    expect(exported.leaves[proof.leafIndex]).toEqual({ commitment: c, balances: proof.balances });
  });

  it.each([
    ['a negative leaf', (d: TreeExport) => (d.leaves[99_998].balances.BTC = '-1'), 'leaf_negative'],
    [
      'a duplicate id',
      (d: TreeExport) => (d.leaves[77_777].commitment = d.leaves[12].commitment),
      'duplicate_commitment',
    ],
    ['a dropped user', (d: TreeExport) => d.leaves.splice(54_321, 1), 'tree_mismatch'],
  ])(
    'refuses the 100k-user export with %s',
    (_name, tamper, code) => {
      const doc = copy(exported);
      tamper(doc);
      expect(auditTree(text(doc), { expectedRoot: big.root })).toMatchObject({ outcome: 'invalid', code });
    },
    300_000,
  );

  // On the small export below: two more 100k audits would add a minute on a loaded machine.
  it('without a root from elsewhere the export is only self-consistent', () => {
    expect(auditTree(text(base))).toMatchObject({ outcome: 'self_consistent', valid: false });
    expect(auditTree(text(base), { expectedRoot: '00'.repeat(32) })).toMatchObject({
      code: 'expected_root_mismatch',
    });
  });

  const small = tree(37);
  const base = exportTree(small);
  const tampered: [string, (d: TreeExport) => void, string][] = [
    ['a negative leaf balance', (d) => (d.leaves[3].balances.BTC = '-5'), 'leaf_negative'],
    ['a duplicate commitment', (d) => (d.leaves[5].commitment = d.leaves[4].commitment), 'duplicate_commitment'],
    ['a dropped user', (d) => d.leaves.splice(10, 1), 'tree_mismatch'],
    [
      'a dropped user with the totals re-bound',
      (d) => {
        const [gone] = d.leaves.splice(10, 1);
        rebind(
          d,
          Object.fromEntries(
            snapshot.assets.map((a) => [a, String(BigInt(d.published.totals[a]) - BigInt(gone.balances[a]))]),
          ),
        );
      },
      'tree_mismatch',
    ],
    ['an altered total', (d) => ((d.published.totals as Record<string, string>).BTC = '1'), 'published_inconsistent'],
    [
      'an altered total, re-bound',
      (d) => rebind(d, { ...(d.published.totals as Record<string, string>), BTC: '1' }),
      'totals_mismatch',
    ],
    [
      'an altered balance',
      (d) => (d.leaves[0].balances.ETH = String(BigInt(d.leaves[0].balances.ETH) + 1n)),
      'tree_mismatch',
    ],
    ['leaves swapped', (d) => d.leaves.reverse(), 'tree_mismatch'],
    [
      'too many leaves for the depth',
      (d) =>
        d.leaves.push(...d.leaves.slice(0, 30).map((l, i) => ({ ...l, commitment: (i + 16).toString(16).repeat(32) }))),
      'leaf_count',
    ],
    ['too few leaves for the depth', (d) => d.leaves.splice(0, 10), 'leaf_count'],
    ['a leaf missing an asset', (d) => delete (d.leaves[2].balances as Record<string, string>).ETH, 'asset_set'],
    [
      'a leaf with a user id',
      (d) => ((d.leaves[2] as unknown as Record<string, string>).userId = 'x'),
      'unknown_field',
    ],
    [
      'a commitment in upper case',
      (d) => (d.leaves[1].commitment = d.leaves[1].commitment.toUpperCase()),
      'hex_invalid',
    ],
    ['another export version', (d) => ((d as unknown as { exportVersion: number }).exportVersion = 2), 'export_format'],
  ];

  it('the untouched small export is valid', () => {
    expect(auditTree(text(base), { expectedRoot: small.root })).toMatchObject({ outcome: 'valid', leafCount: 37 });
  });

  it.each(tampered)('refuses %s', (_name, tamper, code) => {
    const doc = copy(base);
    tamper(doc);
    expect(auditTree(text(doc), { expectedRoot: small.root })).toMatchObject({ outcome: 'invalid', code });
  });

  it('refuses a duplicate key inside a leaf (strict JSON)', () => {
    const dup = text(base).replace('"balances":{', '"balances":{"BTC":"0",');
    expect(auditTree(dup)).toMatchObject({ outcome: 'invalid', code: 'duplicate_key' });
  });

  it('audits trees of one user and of none', () => {
    for (const n of [0, 1, 2]) {
      const t = LiabilityTree.build({
        ...snapshot,
        salt: randomBytes(32),
        users:
          tree(n > 0 ? n : 1).published() &&
          Array.from({ length: n }, (_, i) => ({ userId: `u${i}`, balances: { BTC: 1n } })),
      });
      expect(auditTree(text(exportTree(t)), { expectedRoot: t.root })).toMatchObject({
        outcome: 'valid',
        leafCount: n,
        depth: n > 1 ? 1 : 0,
      });
    }
  });

  it('states solvency per asset from the reconciliation, with the margin', () => {
    const reconciliation = (btc: bigint, eth: bigint, snapshotId = snapshot.snapshotId) => ({
      id: 'rec-1',
      snapshotId,
      createdAt: '2026-12-03T12:01:00.000Z',
      status: 'balanced',
      assets: [
        {
          asset: 'BTC',
          liabilities: '0',
          onChain: btc.toString(),
          incoming: '0',
          outgoing: '0',
          effective: '0',
          ledgerCustody: '0',
          coverage: '0',
          status: 'balanced',
        },
        {
          asset: 'ETH',
          liabilities: '0',
          onChain: eth.toString(),
          incoming: '0',
          outgoing: '0',
          effective: '0',
          ledgerCustody: '0',
          coverage: '0',
          status: 'balanced',
        },
      ],
      differences: [],
    });
    const run = (holdings: unknown) =>
      auditTree(text(base), { expectedRoot: small.root, holdings: holdings as object });
    const ok = run(reconciliation(small.totals.BTC + 5n, small.totals.ETH));
    expect(ok).toMatchObject({ outcome: 'valid', solvency: { solvent: true } });
    if (ok.outcome !== 'valid') throw new Error('not valid');
    expect(ok.solvency?.lines).toEqual([
      {
        asset: 'BTC',
        assets: (small.totals.BTC + 5n).toString(),
        liabilities: small.totals.BTC.toString(),
        margin: '5',
        solvent: true,
        reported: true,
      },
      {
        asset: 'ETH',
        assets: small.totals.ETH.toString(),
        liabilities: small.totals.ETH.toString(),
        margin: '0',
        solvent: true,
        reported: true,
      },
    ]);
    const short = run(reconciliation(small.totals.BTC, small.totals.ETH - 1n));
    expect(short).toMatchObject({
      solvency: { solvent: false, lines: [{ solvent: true }, { margin: '-1', solvent: false }] },
    });
    expect(run(reconciliation(1n, 1n, 'other'))).toMatchObject({ outcome: 'invalid', code: 'holdings_invalid' });
    expect(run({ id: 'x' })).toMatchObject({ outcome: 'invalid', code: 'holdings_invalid' });
  });
});

describe('the streamed export', () => {
  it.each([0, 1, 999, 1000, 1001, 2500])('is byte for byte the export of %i users as JSON', (n) => {
    const t = LiabilityTree.build({
      ...snapshot,
      salt: randomBytes(32),
      users: Array.from({ length: n }, (_, i) => ({ userId: `u${i}`, balances: { BTC: BigInt(i), ETH: 1n } })),
    });
    expect([...exportTreeJson(t)].join('')).toBe(JSON.stringify(exportTree(t)));
  });
});

describe('the audit against the published document', () => {
  const t = tree(20);
  const doc = text(exportTree(t));
  const other = tree(20);

  it('is valid against the published document, and names what it was checked against', () => {
    expect(auditTree(doc, { published: JSON.stringify(t.published()) })).toMatchObject({
      outcome: 'valid',
      checkedAgainst: ['published document'],
    });
    // Attestations (signatures, anchors) are outside what the root commits to: not checked here.
    const attested = { ...t.published(), attestations: [{ type: 'custody-signature', signature: 'ab' }] };
    expect(auditTree(doc, { published: attested })).toMatchObject({ outcome: 'valid' });
    expect(auditTree(doc, { published: t.published(), expectedRoot: t.root })).toMatchObject({
      checkedAgainst: ['published document', 'root'],
    });
  });

  it.each([
    ['another tree of the same snapshot', () => other.published(), 'expected_root_mismatch'],
    ['another snapshot', () => ({ ...other.published(), snapshotId: 'x' }), 'published_inconsistent'],
    ['not a document', () => '{"format":1', 'json_syntax'],
  ])('refuses the published document of %s', (_name, published, code) => {
    expect(auditTree(doc, { published: published() as object })).toMatchObject({
      outcome: 'invalid',
      subject: 'published',
      code,
    });
  });

  it('says which input a refusal is about', () => {
    expect(auditTree(doc, { expectedRoot: 'xyz' })).toMatchObject({ subject: 'root', code: 'root_input_invalid' });
    expect(auditTree(doc.replace('"leaves":[', '"leaves":[1,'))).toMatchObject({ subject: 'export' });
    expect(auditTree(doc, { holdings: '[]' })).toMatchObject({ subject: 'holdings', code: 'holdings_invalid' });
  });
});
