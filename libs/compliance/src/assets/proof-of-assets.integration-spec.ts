import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KmsSigner } from '@strongroom/keys';
import { verifyAssetsProof } from '@strongroom/proof-verifier';
import { AssetRegistry } from '@strongroom/shared-assets';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import type { SnapshotService } from '../snapshot/snapshot.service';
import { ProofOfAssetsService, type CustodyKeySigner } from './proof-of-assets.service';

describe('proof of assets through kms-local', () => {
  let kms: KmsLocalHandle;
  let signer: KmsSigner;
  let custody: CustodyKeySigner;
  const keyIds: string[] = [];
  const pubs: string[] = [];

  beforeAll(async () => {
    kms = await startKmsLocal();
    signer = new KmsSigner(kms.config);
    for (let i = 0; i < 3; i++) {
      const id = await kms.createSigningKey();
      keyIds.push(id);
      pubs.push((await signer.publicKey(id)).compressedHex);
    }
    custody = {
      wallets: async () => [{ walletId: 'btc-main', chain: 'bitcoin', threshold: 2, publicKeys: pubs }],
      sign: async (_w, publicKey, digest) => signer.signDigest(keyIds[pubs.indexOf(publicKey)], digest),
    };
  });
  afterAll(async () => {
    await kms?.stop();
  });

  const holdings = {
    holdings: async () => [{ address: 'bcrt1qcustody', amount: 123456789n, walletId: 'btc-main', clientId: null }],
  };
  const tips = { tips: async () => [{ chain: 'bitcoin' as const, height: 812, hash: 'cd'.repeat(32) }] };

  it("signs the auditor's challenge with every custody key; the verifier accepts it against the published keys", async () => {
    const service = new ProofOfAssetsService(custody, {} as SnapshotService, tips, holdings, new AssetRegistry());
    const proof = await service.prove('auditor nonce 5b1f-7c2e', null);
    expect(proof.wallets[0].signatures).toHaveLength(3);
    expect(proof.chainTips[0].height).toBe(812);
    const ok = verifyAssetsProof(proof, {
      challenge: 'auditor nonce 5b1f-7c2e',
      published: [{ walletId: 'btc-main', threshold: 2, publicKeys: pubs }],
    });
    expect(ok).toMatchObject({ valid: true, totals: { BTC: '123456789' } });
    expect(verifyAssetsProof(proof, { challenge: 'a replayed older challenge' }).valid).toBe(false);
    const stolen = JSON.parse(JSON.stringify(proof));
    stolen.wallets[0].holdings[0].amount = '999999999';
    // Holdings are reported, not signed: the auditor checks them on chain at the listed heights.
    expect(verifyAssetsProof(stolen).totals).toEqual({ BTC: '999999999' });
  });

  it('refuses without custody keys and refuses a too-short challenge', async () => {
    await expect(
      new ProofOfAssetsService(null, {} as SnapshotService, tips, holdings, new AssetRegistry()).prove(
        'long enough',
        null,
      ),
    ).rejects.toMatchObject({
      code: 'proof_of_assets.unavailable',
    });
    await expect(
      new ProofOfAssetsService(custody, {} as SnapshotService, tips, holdings, new AssetRegistry()).prove(
        'short',
        null,
      ),
    ).rejects.toMatchObject({
      code: 'proof_of_assets.challenge_invalid',
    });
  });

  it('strongroom assets verify exits 0 for a valid proof and 1 when the published keys differ', async () => {
    const service = new ProofOfAssetsService(custody, {} as SnapshotService, tips, holdings, new AssetRegistry());
    const proof = await service.prove('cli challenge 42', null);
    const dir = await mkdtemp(path.join(tmpdir(), 'sr-assets-'));
    const run = promisify(execFile);
    const root = path.resolve(__dirname, '../../../..');
    try {
      await writeFile(path.join(dir, 'proof.json'), JSON.stringify(proof));
      await writeFile(
        path.join(dir, 'keys.json'),
        JSON.stringify([{ walletId: 'btc-main', threshold: 2, publicKeys: pubs }]),
      );
      await writeFile(
        path.join(dir, 'other.json'),
        JSON.stringify([{ walletId: 'btc-main', threshold: 3, publicKeys: pubs }]),
      );
      const cli = (keys: string) =>
        run(
          'node',
          [
            'tools/run.js',
            'tools/cli/src/main.ts',
            'assets',
            'verify',
            path.join(dir, 'proof.json'),
            '--challenge',
            'cli challenge 42',
            '--keys',
            path.join(dir, keys),
          ],
          { cwd: root },
        );
      const ok = await cli('keys.json');
      expect(ok.stdout).toContain('btc-main (bitcoin): 3/2 signatures valid; holds 123456789 BTC');
      expect(ok.stdout).toContain('VALID');
      await expect(cli('other.json')).rejects.toMatchObject({
        code: 1,
        stdout: expect.stringContaining('keys or threshold differ'),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
