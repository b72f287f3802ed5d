import { AuditLog } from '@strongroom/audit';
import { KeyRegistry, keysContext, KmsSigner } from '@strongroom/keys';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import { describeEachBackend } from '@strongroom/testing';
import { kmsCustodyKeySigner } from './compliance-ports';

describeEachBackend('proof-of-assets signer of the embedded default', { contexts: [keysContext] }, (ctx) => {
  let kms: KmsLocalHandle;
  let signer: KmsSigner;
  let registry: KeyRegistry;

  beforeAll(async () => {
    kms = await startKmsLocal();
    signer = new KmsSigner({ ...kms.config, requestsPerSecond: Infinity });
    registry = new KeyRegistry(ctx().db, new AuditLog(ctx().db));
  });
  afterAll(async () => {
    signer?.destroy();
    await kms?.stop();
  });

  async function wallet(tier: 'hot' | 'cold', n: number) {
    const keys = [];
    for (let i = 0; i < n; i++) {
      const kmsKeyId = `alias/poa/${tier}-${i}`;
      await kms.createSigningKey(kmsKeyId);
      keys.push({ kmsKeyId, publicKey: (await signer.publicKey(kmsKeyId)).compressedHex });
    }
    const w = await registry.registerWallet({ chain: 'bitcoin', tier, threshold: 2, keys, label: `poa-${tier}` });
    expect((await registry.verifyWallet(w.id, signer)).usable).toBe(true);
    return w;
  }

  it('lists and signs with hot wallets only: a cold wallet never signs on its own, not even a challenge', async () => {
    const hot = await wallet('hot', 3);
    const cold = await wallet('cold', 5);
    const poa = kmsCustodyKeySigner(signer, registry);
    expect((await poa.wallets()).map((w) => w.walletId)).toEqual([hot.id]);
    const digest = new Uint8Array(32).fill(7);
    await expect(poa.sign(hot.id, hot.keys[0].publicKey, digest)).resolves.toHaveProperty('r');
    await expect(poa.sign(cold.id, cold.keys[0].publicKey, digest)).rejects.toMatchObject({
      code: 'wallet.not_automatic',
    });
  });
});
