import { secp256k1 } from '@noble/curves/secp256k1';
import { script } from 'bitcoinjs-lib';
import { recoverAddress } from 'ethers';
import fc from 'fast-check';
import * as ecc from 'tiny-secp256k1';
import { publicKeyFromPoint } from './public-key';
import {
  bitcoinSignature,
  ethereumSignature,
  normaliseSignature,
  parseDerSignature,
  SignatureCheckError,
} from './signature';

const N = secp256k1.CURVE.n;

describe('signature normalisation', () => {
  const priv = secp256k1.utils.randomPrivateKey();
  const pub = publicKeyFromPoint('k', secp256k1.getPublicKey(priv, false));

  it('turns any KMS-style signature (high or low S) into a strict low-S one with the right recovery bit', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.boolean(), (digest, flip) => {
        const natural = secp256k1.sign(digest, priv, { lowS: false, extraEntropy: true });
        // Force both shapes: S as signed, and its mirror n − S (the other valid signature).
        const s = flip ? N - natural.s : natural.s;
        const { r, s: s2 } = parseDerSignature(new secp256k1.Signature(natural.r, s).toDERRawBytes());
        const low = normaliseSignature(r, s2, digest, pub.uncompressed);
        expect(low.s <= N >> 1n).toBe(true);
        expect(low.wasHighS).toBe(s > N >> 1n);
        const btc = script.signature.decode(bitcoinSignature(low));
        expect(ecc.verify(digest, pub.compressed, btc.signature, true)).toBe(true);
        expect(recoverAddress(digest, ethereumSignature(low).serialized)).toBe(pub.ethereumAddress);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a signature made by another key', () => {
    const other = secp256k1.utils.randomPrivateKey();
    const digest = new Uint8Array(32).fill(7);
    const sig = secp256k1.sign(digest, other);
    expect(() => normaliseSignature(sig.r, sig.s, digest, pub.uncompressed)).toThrow(SignatureCheckError);
  });

  it('refuses DER that is not DER', () => {
    expect(() => parseDerSignature(new Uint8Array([0x30, 0x02, 0x01]))).toThrow(SignatureCheckError);
  });

  it('encodes Ethereum as r ‖ s ‖ v with v = 27 + yParity', () => {
    const e = ethereumSignature({ r: 1n, s: 2n, recovery: 1 });
    expect(e).toEqual({
      r: `0x${'0'.repeat(63)}1`,
      s: `0x${'0'.repeat(63)}2`,
      v: 28,
      yParity: 1,
      serialized: `0x${'0'.repeat(63)}1${'0'.repeat(63)}21c`,
    });
  });

  it('appends the sighash type to the DER for Bitcoin', () => {
    const sig = bitcoinSignature({ r: 1n, s: 2n, recovery: 0 }, 0x81);
    expect(Buffer.from(sig).toString('hex')).toBe('3006020101020102' + '81');
  });
});
