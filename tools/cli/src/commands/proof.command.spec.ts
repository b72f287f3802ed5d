import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  bytesToHex,
  commitmentMessage,
  contextMessage,
  leafMessage,
  rootMessage,
  sha256,
} from '@strongroom/proof-verifier';
import { LiabilityTree, exportTree } from '@strongroom/compliance';
import { captureRun, runCli, specDir, VECTORS } from '../testing/cli-output';
import { EXIT, runAudit, runCheckRoot, runVerify, type AuditOpts, type VerifyOpts } from './proof.command';

const vectors = VECTORS;
const load = <T>(name: string): T => JSON.parse(readFileSync(path.join(vectors, name), 'utf8')) as T;
type Tree = { published: { root: string }; proofs: { userId: string }[] };
type Case = {
  name: string;
  check?: 'published';
  proof?: unknown;
  proofText?: string;
  proofBase64?: string;
  user?: string | null;
  root?: string;
  published?: unknown;
  publishedText?: string;
  expect: { outcome: string; code?: string; subject?: string };
};
const dir = specDir('proof-cli');

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

const capture = captureRun;

const verify = (file: string, opts: VerifyOpts) => capture((o, e) => runVerify(file, opts, o, e));

describe('strongroom proof verify', () => {
  it.each(
    (['v1-small-tree.json', 'v2-small-tree.json'] as const).flatMap((f) =>
      load<Tree>(f).proofs.map((p, i) => [f, p.userId, i] as const),
    ),
  )('%s: accepts the proof of %s against the root and the published document', (f, userId, i) => {
    const tree = load<Tree>(f);
    const file = write(`ok-${f}-${i}.json`, JSON.stringify(tree.proofs[i]));
    const published = write(`published-${f}.json`, JSON.stringify(tree.published));
    for (const trust of [{ root: tree.published.root }, { published }]) {
      const r = verify(file, { user: userId, ...trust });
      expect(r).toMatchObject({ code: EXIT.valid, err: '' });
      expect(r.out).toContain(`VALID: ${userId}`);
    }
  });

  const cases = ['v1-negative.json', 'v2-negative.json'].flatMap((f) =>
    load<{ cases: Case[] }>(f).cases.map((c) => [`${f.slice(0, 2)} ${c.name}`, c] as const),
  );
  it.each(cases)('answers %s as its vector says', (name, c) => {
    const input = (base: string, json: unknown, text?: string, b64?: string) =>
      write(base, b64 !== undefined ? Buffer.from(b64, 'base64') : (text ?? JSON.stringify(json)));
    const published =
      c.published !== undefined || c.publishedText !== undefined
        ? input(`pub-${name}.json`, c.published, c.publishedText)
        : undefined;
    const r =
      c.check === 'published'
        ? capture((o, e) => runCheckRoot(published as string, { root: c.root }, o, e))
        : verify(input(`bad-${name}.json`, c.proof, c.proofText, c.proofBase64), {
            user: c.user ?? undefined,
            root: c.root,
            published,
          });
    if (c.user === null)
      return expect(r).toMatchObject({ code: EXIT.unreadable, err: expect.stringMatching(/--user/) });
    if (c.expect.outcome === 'self_consistent')
      return expect(r).toMatchObject({
        code: EXIT.selfConsistent,
        out: expect.stringMatching(/^SELF-CONSISTENT ONLY/),
      });
    expect(r.code).toBe(EXIT.invalid);
    expect(r.err).toContain(`INVALID (${c.expect.code}) in the ${c.expect.subject}`);
  });

  it('exits 2 on a missing file', () => {
    expect(verify(path.join(dir, 'nope.json'), { user: 'x' }).code).toBe(EXIT.unreadable);
  });

  describe('prints nothing a document can turn into terminal commands', () => {
    // A format 1 proof may carry control characters in its ids (format 2 refuses them): a valid
    // one whose snapshot id would conceal the rest of the line.
    const snapshotId = 'snap\u001b[8m hidden\u009b2J\u202e';
    const userId = 'eve';
    const context = sha256(contextMessage({ version: 1, snapshotId, assets: ['BTC'] }));
    const nonce = new Uint8Array(32).fill(3);
    const leaf = sha256(leafMessage(1, sha256(commitmentMessage(1, context, nonce, userId)), [5n]));
    const root = bytesToHex(sha256(rootMessage(1, context, 0, leaf, [5n])));
    const proof = {
      ...{ format: 'strongroom-proof-of-liabilities', version: 1, snapshotId, assets: ['BTC'], root },
      ...{ totals: { BTC: '5' }, userId, nonce: bytesToHex(nonce), balances: { BTC: '5' }, leafIndex: 0, path: [] },
    };
    const file = write('ansi.json', JSON.stringify(proof));

    it('escapes control and bidirectional characters in the text output', () => {
      const r = verify(file, { user: userId, root });
      expect(r.code).toBe(EXIT.valid);
      expect(r.out).toContain('snapshot snap\\x1b[8m hidden\\x9b2J\\u{202e}');
      // eslint-disable-next-line no-control-regex -- asserting no control character is printed
      expect(r.out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    });

    it('prints ASCII-only JSON with --json that parses back to the same values', () => {
      const r = verify(file, { user: userId, root, json: true });
      expect(r.out).toMatch(/^[\x20-\x7e\n]*$/);
      expect(JSON.parse(r.out)).toMatchObject({ outcome: 'valid', snapshotId, userId });
    });

    it('escapes the foreign text of a refusal too', () => {
      const bad = write('ansi-bad.json', JSON.stringify({ ...proof, ['x\u001b[2K']: 1 }));
      const r = verify(bad, { user: userId, root });
      expect(r.code).toBe(EXIT.invalid);
      expect(r.err).toContain('unknown_field');
      // eslint-disable-next-line no-control-regex -- asserting no control character is printed
      expect(r.err).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    });
  });

  it('is discovered by the CLI entry point and sets the exit code', async () => {
    const cli = (args: string[]) => runCli(['proof', ...args]);
    const alice = path.join(vectors, 'v2-proof-alice.json');
    const published = path.join(vectors, 'v2-published.json');
    const root = load<{ root: string }>('v2-published.json').root;
    expect(await cli(['verify', alice, '--user', 'alice@example.com', '--published', published])).toMatchObject({
      status: EXIT.valid,
      output: expect.stringContaining('VALID: alice@example.com'),
    });
    expect(await cli(['verify', alice, '--user', 'bob', '--root', root])).toMatchObject({
      status: EXIT.invalid,
      output: expect.stringContaining('user_mismatch'),
    });
    expect(await cli(['verify', alice, '--user', 'alice@example.com'])).toMatchObject({
      status: EXIT.selfConsistent,
      output: expect.stringContaining('SELF-CONSISTENT ONLY'),
    });
    expect(await cli(['verify', alice])).toMatchObject({ status: EXIT.unreadable });
    expect(await cli(['check-root', published, '--root', root])).toMatchObject({
      status: EXIT.valid,
      output: expect.stringContaining('binds these totals'),
    });
  });
});

describe('strongroom proof audit', () => {
  const snapshot = { snapshotId: 'snap-cli-audit', snapshotTime: '2026-12-04T10:00:00.000Z', assets: ['BTC', 'ETH'] };
  const users = Array.from({ length: 11 }, (_, i) => ({
    userId: `acme/user-${i}`,
    balances: { BTC: BigInt(i * 1000 + 1), ETH: i % 3 === 0 ? 0n : 10n ** 17n * BigInt(i) },
  }));
  const tree = LiabilityTree.build({ ...snapshot, salt: new Uint8Array(32).fill(9), users });
  const good = exportTree(tree);
  type Doc = typeof good;
  const copy = (): Doc => JSON.parse(JSON.stringify(good)) as Doc;
  const exportFile = write('export.json', JSON.stringify(good));
  const published = write('export-published.json', JSON.stringify(tree.published()));
  const reconciliation = (btc: bigint, eth: bigint) =>
    write(
      `rec-${btc}-${eth}.json`,
      JSON.stringify({
        ...{ id: 'rec-1', snapshotId: snapshot.snapshotId, createdAt: '2026-12-04T10:01:00.000Z', status: 'balanced' },
        assets: [
          { asset: 'BTC', liabilities: '0', onChain: btc.toString(), incoming: '0', outgoing: '0' },
          { asset: 'ETH', liabilities: '0', onChain: eth.toString(), incoming: '0', outgoing: '0' },
        ],
        differences: [],
      }),
    );
  const audit = (file: string, opts: AuditOpts = {}) => capture((o, e) => runAudit(file, opts, o, e));

  it('exits 0 on an untouched export checked against the published document, and names no user', () => {
    const r = audit(exportFile, { published });
    expect(r).toMatchObject({ code: EXIT.valid, err: '' });
    expect(r.out).toContain('AUDITED: the export of snapshot snap-cli-audit taken 2026-12-04T10:00:00.000Z');
    expect(r.out).toContain(`11 leaves, depth 4`);
    expect(r.out).toContain(`BTC    total liabilities ${tree.totals.BTC} (0.00055011 BTC)`);
    expect(r.out).toContain(`root: ${tree.root}`);
    expect(audit(exportFile, { root: tree.root.toUpperCase() }).code).toBe(EXIT.valid);
    expect(readFileSync(exportFile, 'utf8')).not.toContain('user-');
  });

  it('exits 3 without a published document or root: self-consistent only', () => {
    expect(audit(exportFile)).toMatchObject({
      code: EXIT.selfConsistent,
      out: expect.stringMatching(/^SELF-CONSISTENT ONLY/),
    });
  });

  it('states solvency per asset with the margin, in base units and asset units', () => {
    const r = audit(exportFile, { published, holdings: reconciliation(tree.totals.BTC + 5n, tree.totals.ETH) });
    expect(r.code).toBe(EXIT.valid);
    expect(r.out).toContain(
      'SOLVENT: the on-chain holdings of reconciliation rec-1 cover the liabilities of every asset',
    );
    expect(r.out).toContain(
      `BTC    assets ${tree.totals.BTC + 5n} (0.00055016 BTC) >= liabilities ${tree.totals.BTC} (0.00055011 BTC), ` +
        'margin 5 (0.00000005 BTC)',
    );
    expect(r.out).toContain('margin 0 (0 ETH)');
  });

  it('exits 4 on a shortfall, naming the asset and the negative margin', () => {
    const holdings = reconciliation(tree.totals.BTC, tree.totals.ETH - 10n ** 17n);
    for (const opts of [{ published, holdings }, { reconciliation: holdings }]) {
      const r = audit(exportFile, opts);
      expect(r.code).toBe(EXIT.shortfall);
      expect(r.out).toContain('SHORTFALL: the on-chain holdings of reconciliation rec-1 fall short for ETH');
      expect(r.out).toContain('margin -100000000000000000 (-0.1 ETH)');
    }
  });

  const tampered: [string, (d: Doc) => void, string][] = [
    ['a negative leaf', (d) => (d.leaves[2].balances.BTC = '-1'), 'leaf_negative'],
    ['a duplicate id', (d) => (d.leaves[7].commitment = d.leaves[6].commitment), 'duplicate_commitment'],
    ['a dropped user', (d) => d.leaves.splice(4, 1), 'tree_mismatch'],
  ];
  it.each(tampered)('exits 1 on an export with %s', (name, tamper, code) => {
    const doc = copy();
    tamper(doc);
    const r = audit(write(`tampered-${name}.json`, JSON.stringify(doc)), { published });
    expect(r.code).toBe(EXIT.invalid);
    expect(r.err).toContain(`INVALID (${code}) in the export at $.`);
    expect(r.out).toBe('');
  });

  it("exits 1 when the export is another tree than the published one, or the holdings another snapshot's", () => {
    const other = LiabilityTree.build({ ...snapshot, salt: new Uint8Array(32).fill(1), users });
    const r = audit(exportFile, { published: write('other-published.json', JSON.stringify(other.published())) });
    expect(r).toMatchObject({
      code: EXIT.invalid,
      err: expect.stringContaining('INVALID (expected_root_mismatch) in the published'),
    });
    const rec = JSON.parse(readFileSync(reconciliation(1n, 1n), 'utf8')) as Record<string, unknown>;
    const holdings = write('rec-other.json', JSON.stringify({ ...rec, snapshotId: 'another' }));
    expect(audit(exportFile, { published, holdings })).toMatchObject({
      code: EXIT.invalid,
      err: expect.stringContaining('INVALID (holdings_invalid) in the holdings'),
    });
  });

  it('exits 2 on an unreadable file or the holdings given twice', () => {
    const missing = path.join(dir, 'missing.json');
    expect(audit(missing).code).toBe(EXIT.unreadable);
    expect(audit(exportFile, { published: missing }).code).toBe(EXIT.unreadable);
    expect(audit(exportFile, { holdings: missing }).code).toBe(EXIT.unreadable);
    const h = reconciliation(1n, 1n);
    expect(audit(exportFile, { holdings: h, reconciliation: h })).toMatchObject({ code: EXIT.unreadable });
  });

  it('escapes foreign text and prints ASCII-only JSON with --json', () => {
    // Format 1 ids may carry control characters (format 2 refuses them).
    const snapshotId = 'snap\u001b[8m hidden\u202e';
    const v1 = LiabilityTree.build({
      version: 1,
      snapshotId,
      assets: ['BTC'],
      salt: new Uint8Array(32).fill(2),
      users: [{ userId: 'eve', balances: { BTC: 5n } }],
    });
    const file = write('ansi-export.json', JSON.stringify(exportTree(v1)));
    const r = audit(file, { root: v1.root });
    expect(r.code).toBe(EXIT.valid);
    expect(r.out).toContain('snapshot snap\\x1b[8m hidden\\u{202e}');
    // eslint-disable-next-line no-control-regex -- asserting no control character is printed
    expect(r.out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    const j = audit(file, { root: v1.root, json: true });
    expect(j.out).toMatch(/^[\x20-\x7e\n]*$/);
    expect(JSON.parse(j.out)).toMatchObject({ outcome: 'valid', snapshotId, leafCount: 1 });
  });

  it('is discovered by the CLI entry point and sets the exit code', async () => {
    expect(await runCli(['proof', 'audit', exportFile, '--published', published])).toEqual({
      status: EXIT.valid,
      output: expect.stringContaining('AUDITED'),
    });
  });
});
