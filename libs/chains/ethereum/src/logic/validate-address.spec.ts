import fc from 'fast-check';
import { getAddress, hexlify } from 'ethers';
import { validateAddress } from './validate-address';

const address = fc
  .uint8Array({ minLength: 20, maxLength: 20 })
  .filter((b) => b.some((x) => x !== 0))
  .map((b) => getAddress(hexlify(b)));

describe('validateAddress', () => {
  it('accepts checksummed, all-lower and all-upper forms and normalises to EIP-55', () => {
    fc.assert(
      fc.property(address, (a) => {
        expect(validateAddress(a)).toEqual({ ok: true, normalized: a });
        expect(validateAddress(a.toLowerCase())).toEqual({ ok: true, normalized: a });
        expect(validateAddress(`0x${a.slice(2).toUpperCase()}`)).toEqual({ ok: true, normalized: a });
      }),
    );
  });

  it('refuses a mixed-case address with one letter flipped (address.checksum)', () => {
    fc.assert(
      fc.property(address, fc.nat(), (a, pick) => {
        const letters = [...a.slice(2)].map((ch, i) => (/[a-fA-F]/.test(ch) ? i : -1)).filter((i) => i >= 0);
        fc.pre(letters.length >= 2);
        const i = letters[pick % letters.length] + 2;
        const ch = a[i];
        const flipped =
          a.slice(0, i) + (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) + a.slice(i + 1);
        const body = flipped.slice(2);
        fc.pre(body !== body.toLowerCase() && body !== body.toUpperCase());
        expect(validateAddress(flipped)).toMatchObject({ ok: false, code: 'address.checksum' });
      }),
    );
  });

  it('refuses malformed input', () => {
    for (const bad of [
      '',
      '0x',
      '0x123',
      'abcdefabcdefabcdefabcdefabcdefabcdefabcd',
      `0x${'g'.repeat(40)}`,
      `0x${'a'.repeat(41)}`,
      ` 0x${'a'.repeat(40)}`,
      `0X${'a'.repeat(40)}`,
    ]) {
      expect(validateAddress(bad)).toMatchObject({ ok: false, code: 'address.malformed' });
    }
    expect(validateAddress(undefined as unknown as string)).toMatchObject({ ok: false, code: 'address.malformed' });
  });

  it('refuses the zero address and the addresses it is told are ours', () => {
    expect(validateAddress(`0x${'0'.repeat(40)}`)).toMatchObject({ ok: false, code: 'address.refused' });
    const ours = '0x41675C099F32341bf84BFc5382aF534df5C7461a';
    expect(validateAddress(ours, new Set([ours.toLowerCase()]))).toMatchObject({ ok: false, code: 'address.refused' });
    expect(validateAddress(ours.toLowerCase(), new Set([ours.toLowerCase()]))).toMatchObject({
      ok: false,
      code: 'address.refused',
    });
  });
});
