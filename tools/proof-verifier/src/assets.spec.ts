import { secp256k1 } from '@noble/curves/secp256k1';
import { assetsChallengeDigest, verifyAssetsProof, type AssetsProof } from './assets';
import { bytesToHex } from './encoding';

const keys = [1n, 2n, 3n].map((k) => secp256k1.utils.randomPrivateKey().map((b, i) => (i === 0 ? Number(k) : b)));
const pubs = keys.map((k) => bytesToHex(secp256k1.getPublicKey(k, true)));

function proof(signers: number[], challenge = 'audit 2026-Q4 #7'): AssetsProof {
  const digest = assetsChallengeDigest(challenge, 'btc-main', 'bitcoin', 'snap-1');
  return {
    format: 'strongroom-proof-of-assets',
    version: 1,
    challenge,
    snapshotId: 'snap-1',
    chainTips: [{ chain: 'bitcoin', height: 500, hash: 'ab'.repeat(32) }],
    createdAt: '2026-11-22T00:00:00.000Z',
    wallets: [
      {
        walletId: 'btc-main',
        chain: 'bitcoin',
        threshold: 2,
        publicKeys: pubs,
        digest: bytesToHex(digest),
        signatures: signers.map((i) => {
          const s = secp256k1.sign(digest, keys[i], { prehash: false, lowS: true });
          return { publicKey: pubs[i], r: s.r.toString(16).padStart(64, '0'), s: s.s.toString(16).padStart(64, '0') };
        }),
        holdings: [
          { address: 'bcrt1qa', asset: 'BTC', amount: '150000000' },
          { address: 'bcrt1qb', asset: 'BTC', amount: '50000000' },
        ],
      },
    ],
  };
}

describe('verifyAssetsProof', () => {
  it('accepts m-of-n signatures over the challenge and totals the holdings', () => {
    const r = verifyAssetsProof(proof([0, 2]), {
      challenge: 'audit 2026-Q4 #7',
      published: [{ walletId: 'btc-main', threshold: 2, publicKeys: pubs }],
    });
    expect(r.problems).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.totals).toEqual({ BTC: '200000000' });
  });

  it('refuses too few signatures, another challenge, a tampered signature and swapped keys', () => {
    expect(verifyAssetsProof(proof([1])).problems).toEqual(['wallet btc-main: 1 valid signature(s), 2 needed']);
    expect(verifyAssetsProof(proof([0, 1]), { challenge: 'another audit' }).valid).toBe(false);
    const tampered = proof([0, 1]);
    tampered.challenge = 'audit 2026-Q4 #8';
    expect(verifyAssetsProof(tampered).problems[0]).toMatch(/digest does not match/);
    const forged = proof([0, 1]);
    forged.wallets[0].signatures[1].s = forged.wallets[0].signatures[0].s;
    expect(verifyAssetsProof(forged).valid).toBe(false);
    const other = bytesToHex(secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true));
    expect(
      verifyAssetsProof(proof([0, 1]), {
        published: [{ walletId: 'btc-main', threshold: 2, publicKeys: [pubs[0], pubs[1], other] }],
      }).problems,
    ).toEqual(['wallet btc-main: keys or threshold differ from the published ones']);
  });
});
