import fc from 'fast-check';
import { hasForbiddenChar, verifyProof, type InclusionProof } from '@strongroom/proof-verifier';
import { LiabilityTree, type UserBalances } from './liability-tree';

const ASSETS = ['BTC', 'ETH', 'USDC'];
const salt = new Uint8Array(32).fill(7);
const MAX = (1n << 256n) - 1n;
const snapshotTime = '2026-12-03T09:00:00.000Z';

function tree(users: UserBalances[], assets = ASSETS): LiabilityTree {
  return LiabilityTree.build({ snapshotId: 'snap-1', snapshotTime, assets, salt, users });
}

const users = (n: number): UserBalances[] =>
  Array.from({ length: n }, (_, i) => ({
    userId: `user-${i}`,
    balances: { BTC: BigInt(i), ETH: BigInt(i * 1000), USDC: 5n },
  }));

describe('LiabilityTree', () => {
  it('every user proof verifies and the totals are the sums of the balances (property)', () => {
    const balance = fc.oneof(
      fc.bigInt({ min: 0n, max: 10n ** 30n }),
      fc.constant(0n),
      fc.bigInt({ min: 0n, max: 1n << 200n }),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            // Any id the format allows: NFC, no controls (the refusals have their own test).
            userId: fc
              .string({ minLength: 1, maxLength: 20, unit: 'grapheme' })
              .filter((id) => id === id.normalize('NFC') && !hasForbiddenChar(id)),
            b: fc.array(balance, { minLength: 3, maxLength: 3 }),
          }),
          {
            minLength: 0,
            maxLength: 40,
            selector: (u) => u.userId,
          },
        ),
        (rows) => {
          const input = rows.map((r) => ({ userId: r.userId, balances: { BTC: r.b[0], ETH: r.b[1], USDC: r.b[2] } }));
          const t = tree(input);
          ASSETS.forEach((a, k) => expect(t.totals[a]).toBe(rows.reduce((s, r) => s + r.b[k], 0n)));
          for (const u of input) {
            const proof = t.proofFor(u.userId)!;
            const result = verifyProof(JSON.stringify(proof), { userId: u.userId, published: t.published() });
            expect(result).toMatchObject({ valid: true, userId: u.userId });
            if (result.valid) ASSETS.forEach((a) => expect(result.balances[a]).toBe(u.balances[a as 'BTC'].toString()));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('pads to a power of two: every proof has the same depth', () => {
    const t = tree(users(5));
    expect(t.depth).toBe(3);
    for (let i = 0; i < 5; i++) expect(t.proofAt(i).path).toHaveLength(3);
  });

  it('orders leaves by nonce, not by user id, and is deterministic for a salt', () => {
    const a = tree(users(64));
    const b = tree([...users(64)].reverse());
    expect(a.root).toBe(b.root);
    const order = Array.from({ length: 64 }, (_, i) => a.proofAt(i).userId);
    expect(order).not.toEqual([...order].sort());
    expect(tree(users(64)).root).toBe(a.root);
    expect(
      LiabilityTree.build({
        snapshotId: 'snap-1',
        snapshotTime,
        assets: ASSETS,
        salt: new Uint8Array(32).fill(8),
        users: users(64),
      }).root,
    ).not.toBe(a.root);
  });

  it('gives different roots for another snapshot id, snapshot time or format version', () => {
    const base = tree(users(4));
    const other = (change: object) =>
      LiabilityTree.build({ snapshotId: 'snap-1', snapshotTime, assets: ASSETS, salt, users: users(4), ...change })
        .root;
    expect(other({ snapshotId: 'snap-2' })).not.toBe(base.root);
    expect(other({ snapshotTime: '2026-12-03T09:00:00.001Z' })).not.toBe(base.root);
    expect(
      LiabilityTree.build({ version: 1, snapshotId: 'snap-1', assets: ASSETS, salt, users: users(4) }).root,
    ).not.toBe(base.root);
  });

  it('publishes a document that binds every number it shows (format 2)', () => {
    const t = tree(users(5));
    const doc = t.published();
    expect(doc).toEqual({
      format: 'strongroom-proof-of-liabilities',
      version: 2,
      kind: 'root',
      snapshotId: 'snap-1',
      snapshotTime,
      assets: ASSETS,
      depth: 3,
      topHash: t.topHash,
      totals: { BTC: '10', ETH: '10000', USDC: '25' },
      root: t.root,
      attestations: [],
    });
    expect(t.proofAt(0)).toMatchObject({ version: 2, kind: 'inclusion', snapshotTime, root: t.root });
  });

  it('refuses asset lists the format does not allow (a bug in the caller, not user input)', () => {
    expect(() => tree(users(2), ['ETH', 'BTC', 'USDC'])).toThrow(/ascending/);
    expect(() => tree(users(2), [])).toThrow(/assets_invalid/);
    expect(() =>
      LiabilityTree.build({
        snapshotId: 's',
        snapshotTime: '2026-13-01T00:00:00.000Z',
        assets: ASSETS,
        salt,
        users: [],
      }),
    ).toThrow(/time_invalid/);
  });

  it.each([
    ['not NFC', 'jose\u0301', /id_not_nfc/],
    ['an escape character', 'eve\u001b[8m', /id_forbidden_char/],
    ['a right-to-left override', 'eve\u202e', /id_forbidden_char/],
    ['a lone surrogate', 'eve\ud800', /lone_surrogate/],
    ['empty', '', /id_length/],
    ['256 bytes', 'é'.repeat(128), /id_length/],
  ])('refuses a user id that is %s', (_what, userId, code) => {
    expect(() => tree([{ userId, balances: {} }])).toThrow(code);
    expect(() => tree([{ userId, balances: {} }])).toThrow(/proof\.user_id/);
  });

  it('takes ids of printable ASCII and of NFC Unicode (format 1 keeps its own rules)', () => {
    const t = tree([
      { userId: '~ !"#$%&', balances: {} },
      { userId: 'josé 山田', balances: {} },
      { userId: 'a'.repeat(255), balances: {} },
    ]);
    for (const userId of ['~ !"#$%&', 'josé 山田', 'a'.repeat(255)])
      expect(verifyProof(t.proofFor(userId)!, { userId, expectedRoot: t.root }).valid).toBe(true);
    const v1 = LiabilityTree.build({
      version: 1,
      snapshotId: 'snap-1',
      assets: ['ETH', 'BTC'],
      salt,
      users: [{ userId: 'jose\u0301', balances: {} }],
    });
    expect(verifyProof(v1.proofFor('jose\u0301')!, { userId: 'jose\u0301', expectedRoot: v1.root })).toMatchObject({
      outcome: 'valid',
      version: 1,
    });
  });

  it('refuses negative, too large, unknown-asset and duplicate entries', () => {
    expect(() => tree([{ userId: 'a', balances: { BTC: -1n } }])).toThrow(/balance_range/);
    expect(() => tree([{ userId: 'a', balances: { BTC: MAX + 1n } }])).toThrow(/balance_range/);
    expect(() => tree([{ userId: 'a', balances: { DOGE: 1n } }])).toThrow(/unknown_asset/);
    expect(() =>
      tree([
        { userId: 'a', balances: {} },
        { userId: 'a', balances: {} },
      ]),
    ).toThrow(/duplicate_user/);
    expect(() =>
      tree([
        { userId: 'a', balances: { BTC: MAX } },
        { userId: 'b', balances: { BTC: 1n } },
      ]),
    ).toThrow(/sum_overflow/);
  });

  it('handles an empty snapshot and a single user', () => {
    expect(tree([]).totals).toEqual({ BTC: 0n, ETH: 0n, USDC: 0n });
    const one = tree([{ userId: 'solo', balances: { ETH: MAX } }]);
    expect(one.depth).toBe(0);
    expect(verifyProof(one.proofFor('solo')!, { userId: 'solo', expectedRoot: one.root }).valid).toBe(true);
    expect(one.proofFor('nobody')).toBeUndefined();
  });

  describe('tampered proofs fail', () => {
    const t = tree(users(11));
    const proof = (): InclusionProof => JSON.parse(JSON.stringify(t.proofFor('user-3'))) as InclusionProof;
    const check = (p: InclusionProof, expectedRoot?: string) => verifyProof(p, { userId: 'user-3', expectedRoot });

    it('a changed balance', () => {
      const p = proof();
      p.balances.BTC = (BigInt(p.balances.BTC) + 1n).toString();
      expect(check(p)).toMatchObject({ valid: false, code: 'root_mismatch' });
    });
    it('a dropped sibling', () => {
      const p = proof();
      p.path.pop();
      p.leafIndex %= 2 ** p.path.length;
      expect(check(p)).toMatchObject({ valid: false, code: 'root_mismatch' });
    });
    it('a wrong published root', () => {
      expect(check(proof(), '00'.repeat(32))).toMatchObject({
        valid: false,
        code: 'expected_root_mismatch',
      });
    });
    it('a sibling with a forged sum (hiding liabilities below it)', () => {
      const p = proof();
      p.path[1].sums.ETH = '0';
      expect(check(p)).toMatchObject({ valid: false, code: 'root_mismatch' });
    });
    it('a claimed total that is not the sum of the path', () => {
      const p = proof();
      p.totals.USDC = '1';
      expect(check(p)).toMatchObject({ valid: false, code: 'totals_mismatch' });
    });
    it('a negative balance cannot even be expressed', () => {
      const p = proof();
      p.balances.BTC = '-3';
      expect(check(p)).toMatchObject({ valid: false, code: 'amount_not_canonical' });
    });
  });
});

describe('LiabilityTree.buildParallel', () => {
  it.each([0, 1, 2, 3, 4, 5, 17, 64, 1000, 1025])(
    'gives the same tree as build for %i users, on worker threads',
    async (n) => {
      const input = { snapshotId: 'snap-p', snapshotTime, assets: ASSETS, salt, users: users(n) };
      const serial = LiabilityTree.build(input);
      const parallel = await LiabilityTree.buildParallel({ ...input, workers: n > 100 ? 4 : 2 });
      expect(parallel.root).toBe(serial.root);
      expect(parallel.totals).toEqual(serial.totals);
      for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 50))) {
        expect(parallel.proofAt(i)).toEqual(serial.proofAt(i));
        const p = parallel.proofAt(i);
        expect(verifyProof(p, { userId: p.userId, expectedRoot: serial.root }).valid).toBe(true);
      }
    },
  );

  it('reports input errors and overflow as build does', async () => {
    await expect(
      LiabilityTree.buildParallel({
        snapshotId: 's',
        snapshotTime,
        assets: ASSETS,
        salt,
        users: [...users(8), { userId: 'user-3', balances: {} }],
        workers: 2,
      }),
    ).rejects.toThrow(/duplicate_user/);
    const big = users(8).map((u, i) => ({ ...u, balances: { BTC: i === 5 || i === 6 ? MAX : 0n } }));
    await expect(
      LiabilityTree.buildParallel({ snapshotId: 's', snapshotTime, assets: ASSETS, salt, users: big, workers: 2 }),
    ).rejects.toThrow(/sum_overflow/);
  });
});
