import fc from 'fast-check';
import { canonicalJson } from './canonical-body';
import { checkMetadata, isStorableString, MAX_METADATA_BYTES, MAX_METADATA_DEPTH } from './metadata-check';
import { checkTransferInput } from './transfer-input';

const nest = (levels: number): Record<string, unknown> => {
  let v: Record<string, unknown> = { leaf: 'x' };
  for (let i = 1; i < levels; i++) v = { a: v };
  return v;
};

describe('transfer metadata bounds', () => {
  it('accepts small, shallow JSON up to the depth and size limits', () => {
    expect(checkMetadata({ ref: 'w-1', n: 3, ok: true, none: null, list: [1, 'two', { three: 3 }] })).toBeNull();
    expect(checkMetadata(nest(MAX_METADATA_DEPTH))).toBeNull();
    const fits = { s: 'x'.repeat(MAX_METADATA_BYTES - 8) };
    expect(Buffer.byteLength(canonicalJson(fits))).toBe(MAX_METADATA_BYTES);
    expect(checkMetadata(fits)).toBeNull();
    expect(checkMetadata({ numbers: Array.from({ length: 1500 }, () => 1) })).toBeNull();
  });

  it('refuses nesting past the limit, even 100,000 levels, without recursion', () => {
    expect(checkMetadata(nest(MAX_METADATA_DEPTH + 1))?.code).toBe('transfer.metadata_too_deep');
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(checkMetadata({ deep })?.code).toBe('transfer.metadata_too_deep');
    expect(
      checkTransferInput({
        id: 't',
        debitAccountId: 'a',
        creditAccountId: 'b',
        amount: 1n,
        metadata: { deep } as never,
      })?.code,
    ).toBe('transfer.metadata_too_deep');
  });

  it('refuses more than 4 KiB of canonical JSON, counting escapes', () => {
    expect(checkMetadata({ s: 'x'.repeat(MAX_METADATA_BYTES - 7) })?.code).toBe('transfer.metadata_too_large');
    // Each quote is escaped as \" in JSON: 2,100 of them take 4,200 bytes.
    expect(checkMetadata({ s: '"'.repeat(2100) })?.code).toBe('transfer.metadata_too_large');
    expect(checkMetadata({ many: Array.from({ length: 100_000 }, () => 'abc') })?.code).toBe(
      'transfer.metadata_too_large',
    );
  });

  it('refuses NUL and lone surrogates in keys and values; accepts paired surrogates', () => {
    for (const bad of ['a\u0000b', '\ud800', 'x\udc00', '\udc00\ud800']) {
      expect(isStorableString(bad)).toBe(false);
      expect(checkMetadata({ v: bad })?.code).toBe('transfer.metadata_invalid');
      expect(checkMetadata({ [bad]: 1 })?.code).toBe('transfer.metadata_invalid');
      expect(checkMetadata({ list: [[bad]] })?.code).toBe('transfer.metadata_invalid');
    }
    expect(checkMetadata({ emoji: '💰', text: 'Grüße' })).toBeNull();
    expect(checkMetadata([] as never)?.code).toBe('transfer.metadata_invalid');
    expect(checkMetadata({ n: Number.NaN })?.code).toBe('transfer.metadata_invalid');
  });

  it('agrees with a direct definition on generated JSON', () => {
    const depthOf = (v: unknown): number =>
      v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v as object).map(depthOf)) : 0;
    const hasBad = (v: unknown): boolean =>
      typeof v === 'string'
        ? !isStorableString(v)
        : v !== null && typeof v === 'object'
          ? Object.entries(v as object).some(([k, x]) => !isStorableString(k) || hasBad(x))
          : false;
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue({ maxDepth: 12 })), (m) => {
        const got = checkMetadata(m)?.code ?? null;
        const expected = hasBad(m)
          ? 'transfer.metadata_invalid'
          : depthOf(m) > MAX_METADATA_DEPTH
            ? 'transfer.metadata_too_deep'
            : Buffer.byteLength(canonicalJson(m)) > MAX_METADATA_BYTES
              ? 'transfer.metadata_too_large'
              : null;
        // A string refusal may be found before a depth refusal and vice versa; both are refusals.
        if (expected === null || got === null) expect(got).toBe(expected);
        else expect(got).not.toBeNull();
      }),
      { numRuns: 500 },
    );
  });
});
