import { anchorPayload, findEquivocations, parseAnchorPayload, verifyAnchor, type AnchorTx } from './anchor';

const ROOT = '4e5b1e1fe4381ad69b9e093d41b78052562d1d633409e2a146ad261d1a7e3339';
const RELAYER = '0x1111111111111111111111111111111111111111';

const tx = (over: Partial<AnchorTx> = {}): AnchorTx => ({
  hash: '0x01',
  from: RELAYER,
  to: RELAYER,
  value: '0x0',
  input: anchorPayload('vector-snapshot-2', ROOT),
  blockNumber: 7,
  status: 1,
  ...over,
});

describe('anchor payloads', () => {
  it('is "SRP2" ‖ SHA-256(snapshot id) ‖ root, 68 bytes (the vector of docs/proof-publication.md)', () => {
    // SHA-256("vector-snapshot-2") as node:crypto computes it: a second implementation.
    expect(anchorPayload('vector-snapshot-2', ROOT)).toBe(
      '0x53525032' + '0340c23f1e9663c50351e71c79d22728619cbae700335c0109caf6207d5a3458' + ROOT,
    );
    expect((anchorPayload('x', ROOT).length - 2) / 2).toBe(68);
    expect(parseAnchorPayload('0x53525031' + '00'.repeat(64))).toBeNull();
    expect(parseAnchorPayload('0x53525032' + '00'.repeat(63))).toBeNull();
    expect(() => anchorPayload('x', ROOT.toUpperCase())).toThrow(RangeError);
  });

  it('refuses what is not a mined self-send of the relayer with no value', () => {
    const want = { snapshotId: 'vector-snapshot-2', root: ROOT, relayer: RELAYER };
    expect(verifyAnchor(tx(), want)).toMatchObject({ outcome: 'valid', blockNumber: 7 });
    expect(verifyAnchor(tx({ blockNumber: null }), want)).toMatchObject({ code: 'not_mined' });
    expect(verifyAnchor(tx({ status: 0 }), want)).toMatchObject({ code: 'not_mined' });
    expect(verifyAnchor(tx({ to: '0x2222222222222222222222222222222222222222' }), want)).toMatchObject({
      code: 'not_self',
    });
    expect(verifyAnchor(tx({ value: 1n }), want)).toMatchObject({ code: 'not_self' });
  });

  it('reports two roots for one snapshot, ignoring failed and foreign transactions', () => {
    const other = 'cd'.repeat(32);
    const second = tx({ hash: '0x02', blockNumber: 9, input: anchorPayload('vector-snapshot-2', other) });
    expect(findEquivocations([tx(), second], RELAYER)).toMatchObject([
      { roots: [{ root: ROOT }, { root: other, txs: [{ hash: '0x02' }] }] },
    ]);
    expect(findEquivocations([tx(), { ...second, status: 0 }], RELAYER)).toEqual([]);
    expect(
      findEquivocations([tx(), { ...second, from: '0x3333333333333333333333333333333333333333' }], RELAYER),
    ).toEqual([]);
  });
});
