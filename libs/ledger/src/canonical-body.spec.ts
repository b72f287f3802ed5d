import { canonicalJson, transferBodyHash } from './canonical-body';

describe('transfer body hash', () => {
  const base = { id: 't1', debitAccountId: 'a', creditAccountId: 'b', amount: 5n };
  it('ignores key and flag order and spelled-out defaults', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 0 }] } })).toBe(
      '{"a":{"c":[3,{"e":0,"f":1}],"d":2},"b":1}',
    );
    expect(transferBodyHash({ ...base, flags: ['pending', 'linked'] })).toBe(
      transferBodyHash({ ...base, flags: ['linked', 'pending'] }),
    );
    expect(transferBodyHash({ ...base, timeoutSeconds: 0, flags: [], metadata: {} })).toBe(transferBodyHash(base));
    expect(transferBodyHash({ ...base, metadata: { x: 1, y: 2 } })).toBe(
      transferBodyHash({ ...base, metadata: { y: 2, x: 1 } }),
    );
  });
  it('changes with anything that changes the meaning', () => {
    const h = transferBodyHash(base);
    for (const other of [
      { ...base, amount: 6n },
      { ...base, creditAccountId: 'c' },
      { ...base, code: 'fee' },
      { ...base, metadata: { x: 1 } },
      { ...base, flags: ['pending' as const] },
    ]) {
      expect(transferBodyHash(other)).not.toBe(h);
    }
  });
});
