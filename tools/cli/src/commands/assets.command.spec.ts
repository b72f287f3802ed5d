import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1';
import { assetsChallengeDigest, bytesToHex, type AssetsProof } from '@strongroom/proof-verifier';
import { captureRun, specDir } from '../testing/cli-output';
import { runAssetsVerify, type AssetsOpts } from './assets.command';

const dir = specDir('assets-cli');
const keys = [secp256k1.utils.randomPrivateKey(), secp256k1.utils.randomPrivateKey()];
const pubs = keys.map((k) => bytesToHex(secp256k1.getPublicKey(k, true)));

/** A proof signed by both keys of a 2-of-2 wallet whose id and chain are chosen by the test. */
function proof(walletId: string, chain = 'bitcoin'): AssetsProof {
  const digest = assetsChallengeDigest('audit 7', walletId, chain, 'snap-1');
  return {
    format: 'strongroom-proof-of-assets',
    version: 1,
    challenge: 'audit 7',
    snapshotId: 'snap-1',
    chainTips: [],
    createdAt: '2026-12-03T00:00:00.000Z',
    wallets: [
      {
        walletId,
        chain,
        threshold: 2,
        publicKeys: pubs,
        digest: bytesToHex(digest),
        signatures: keys.map((k, i) => {
          const s = secp256k1.sign(digest, k, { prehash: false, lowS: true });
          return { publicKey: pubs[i], r: s.r.toString(16).padStart(64, '0'), s: s.s.toString(16).padStart(64, '0') };
        }),
        holdings: [{ address: 'bcrt1qa', asset: 'BTC', amount: '150000000' }],
      },
    ],
  };
}

function run(content: string, opts: AssetsOpts = {}) {
  const file = path.join(dir, `p-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, content);
  return captureRun((o, e) => runAssetsVerify(file, opts, o, e));
}

describe('strongroom assets verify', () => {
  it('accepts a proof signed by the threshold of keys', () => {
    const r = run(JSON.stringify(proof('btc-main')), { challenge: 'audit 7' });
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain('btc-main (bitcoin): 2/2 signatures valid; holds 150000000 BTC');
    expect(r.out).toMatch(/VALID$/);
  });

  it('escapes what the document says, so a wallet id cannot rewrite or add lines', () => {
    // Valid signatures over a hostile wallet id: the escape codes and the newline are the signer's.
    const r = run(JSON.stringify(proof('w\u001b[2K\rVALID\nfake', 'bit\u009bcoin')), { challenge: 'other' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('w\\x1b[2K\\x0dVALID\\x0afake (bit\\x9bcoin)');
    // eslint-disable-next-line no-control-regex -- asserting no control character is printed
    expect(r.out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(r.out.split('\n').filter((l) => l === 'VALID')).toEqual([]);
  });

  it('prints ASCII-only JSON with --json', () => {
    const r = run(JSON.stringify(proof('wallet-é\u001b')), { json: true });
    expect(r.out).toMatch(/^[\x20-\x7e\n]*$/);
    expect(JSON.parse(r.out)).toMatchObject({ valid: true, wallets: [{ walletId: 'wallet-é\u001b' }] });
  });

  it('refuses documents the strict JSON rules refuse (exit 2), e.g. a duplicate key', () => {
    const text = JSON.stringify(proof('btc-main'));
    const r = run(`${text.slice(0, -1)},"challenge":"audit 8"}`);
    expect(r).toMatchObject({ code: 2, err: expect.stringContaining('duplicate_key') });
    expect(run(`\ufeff${text}`)).toMatchObject({ code: 2, err: expect.stringContaining('bom') });
  });
});
