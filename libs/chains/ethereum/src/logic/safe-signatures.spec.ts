import { concat, dataSlice, getBytes, hexlify, keccak256, SigningKey, toBeHex, toUtf8Bytes, Wallet } from 'ethers';
import { checkSafeSignatures } from './check-safe-signatures';
import { encodeSafeSignatures } from './encode-safe-signatures';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const keys = Array.from({ length: 4 }, (_, i) => new SigningKey(keccak256(toUtf8Bytes(`owner-${i}`))));
const addr = (k: SigningKey) => new Wallet(k).address;
const owners = keys.slice(0, 3).map(addr);
const hash = keccak256(toUtf8Bytes('a SafeTx'));
const sigOf = (k: SigningKey, withRecovery = true) => {
  const s = k.sign(hash);
  return {
    publicKey: k.compressedPublicKey,
    digest: hash,
    r: s.r,
    s: s.s,
    ...(withRecovery ? { recovery: s.yParity } : {}),
  };
};

describe('Safe signatures', () => {
  it('sorts by owner address, recovers v when no recovery id is given, and passes the check', () => {
    const bytes = encodeSafeSignatures(hash, [sigOf(keys[2], false), sigOf(keys[0])], owners, 2);
    const signers = checkSafeSignatures(hash, bytes, owners, 2);
    expect(signers).toEqual([addr(keys[0]), addr(keys[2])].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
    for (let i = 0; i < 2; i++) expect([27, 28]).toContain(Number(dataSlice(bytes, i * 65 + 64, i * 65 + 65)));
  });

  it('refuses short, duplicated, non-owner, wrong-digest and wrong-recovery sets', () => {
    expect(() => encodeSafeSignatures(hash, [sigOf(keys[0])], owners, 2)).toThrow(
      expect.objectContaining({ code: 'withdrawal.signatures_short' }),
    );
    expect(() => encodeSafeSignatures(hash, [sigOf(keys[0]), sigOf(keys[0])], owners, 2)).toThrow(
      expect.objectContaining({ code: 'withdrawal.signatures_short' }),
    );
    expect(() => encodeSafeSignatures(hash, [sigOf(keys[0]), sigOf(keys[3])], owners, 2)).toThrow(
      expect.objectContaining({ code: 'withdrawal.signature_not_owner' }),
    );
    expect(() =>
      encodeSafeSignatures(hash, [sigOf(keys[0]), { ...sigOf(keys[1]), digest: keccak256('0x01') }], owners, 2),
    ).toThrow(expect.objectContaining({ code: 'withdrawal.signature_wrong_digest' }));
    const wrongV = sigOf(keys[1]);
    expect(() =>
      encodeSafeSignatures(hash, [sigOf(keys[0]), { ...wrongV, recovery: 1 - wrongV.recovery! }], owners, 2),
    ).toThrow(expect.objectContaining({ code: 'withdrawal.signature_invalid' }));
  });

  it('checks raw bytes: unsorted, short, high-S, bad v, bad length, non-owner', () => {
    const good = getBytes(encodeSafeSignatures(hash, [sigOf(keys[0]), sigOf(keys[1])], owners, 2));
    const a = good.slice(0, 65);
    const b = good.slice(65, 130);
    expect(() => checkSafeSignatures(hash, concat([b, a]), owners, 2)).toThrow(
      expect.objectContaining({ code: 'withdrawal.signatures_unsorted' }),
    );
    expect(() => checkSafeSignatures(hash, concat([a, a]), owners, 2)).toThrow(
      expect.objectContaining({ code: 'withdrawal.signatures_unsorted' }),
    );
    expect(() => checkSafeSignatures(hash, hexlify(a), owners, 2)).toThrow(
      expect.objectContaining({ code: 'withdrawal.signatures_short' }),
    );
    expect(() => checkSafeSignatures(hash, concat([a, b.slice(0, 64)]), owners, 2)).toThrow(
      expect.objectContaining({ code: 'withdrawal.signature_malformed' }),
    );
    const highS = concat([
      a.slice(0, 32),
      toBeHex(N - BigInt(hexlify(a.slice(32, 64))), 32),
      toBeHex(a[64] === 27 ? 28 : 27, 1),
    ]);
    expect(() => checkSafeSignatures(hash, concat([highS, b]), owners, 2)).toThrow(
      expect.objectContaining({ code: 'withdrawal.signature_malformed' }),
    );
    const contractSig = concat([a.slice(0, 64), '0x01']);
    expect(() => checkSafeSignatures(hash, concat([contractSig, b]), owners, 2)).toThrow(
      expect.objectContaining({ code: 'withdrawal.signature_malformed' }),
    );
    expect(() => checkSafeSignatures(hash, hexlify(good), owners.slice(1), 2)).toThrow(
      expect.objectContaining({ code: 'withdrawal.signature_not_owner' }),
    );
  });
});
