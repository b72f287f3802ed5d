import { randomBytes } from 'node:crypto';
import { AuditLog } from '@strongroom/audit';
import { KeyRegistry, keysContext, KmsSigner } from '@strongroom/keys';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import { describeEachBackend } from '@strongroom/testing';
import { KmsDigestSigner } from './kms-digest-signer';
import { RegistryWalletDirectory } from './registry-wallet-directory';

// The automatic signer never signs for a cold wallet: not when it picks a paying wallet, not when
// the sweeper names one by id, not when a digest names its keys. Real registry, real kms-local.
describeEachBackend('withdrawal signer and cold wallets', { contexts: [keysContext] }, (ctx) => {
  const run = Math.random().toString(36).slice(2, 8);
  const env = {} as { kms: KmsLocalHandle; signer: KmsSigner; registry: KeyRegistry };
  beforeAll(async () => {
    env.kms = await startKmsLocal();
    env.signer = new KmsSigner({ ...env.kms.config, requestsPerSecond: Infinity });
    env.registry = new KeyRegistry(ctx().db, new AuditLog(ctx().db));
  });
  afterAll(async () => {
    env.signer?.destroy();
    await env.kms?.stop();
  });

  async function wallet(tier: 'hot' | 'cold', n: number, m: number, clientId: string) {
    const keys = [];
    for (let i = 0; i < n; i++) {
      const kmsKeyId = `alias/${run}/${tier}-${clientId}-${i}`;
      await env.kms.createSigningKey(kmsKeyId);
      keys.push({ kmsKeyId, publicKey: (await env.signer.publicKey(kmsKeyId)).compressedHex });
    }
    const w = await env.registry.registerWallet({ chain: 'bitcoin', tier, threshold: m, keys, clientId });
    expect((await env.registry.verifyWallet(w.id, env.signer)).usable).toBe(true);
    return w;
  }

  it('pays from hot, refuses a cold wallet by id and refuses to sign with its verified keys', async () => {
    const client = `c-${run}`;
    const hot = await wallet('hot', 2, 2, client);
    const cold = await wallet('cold', 5, 3, client);
    const directory = new RegistryWalletDirectory(env.registry);
    expect((await directory.walletFor('bitcoin', client)).id).toBe(hot.id);
    await expect(directory.walletById('bitcoin', cold.id)).rejects.toMatchObject({
      code: 'wallet.not_automatic',
      status: 409,
      extra: { walletId: cold.id, tier: 'cold' },
    });
    expect((await directory.walletById('bitcoin', hot.id))?.id).toBe(hot.id);

    const digestSigner = new KmsDigestSigner(env.signer, env.registry);
    const digest = randomBytes(32).toString('hex');
    const before = env.kms.server.stats.byOperation.Sign ?? 0;
    await expect(digestSigner.sign(cold.id, cold.keys[0].publicKey, digest)).rejects.toMatchObject({
      code: 'wallet.not_automatic',
    });
    expect(env.kms.server.stats.byOperation.Sign ?? 0).toBe(before);
    await expect(digestSigner.sign(hot.id, hot.keys[0].publicKey, digest)).resolves.toMatchObject({ digest });
    // People-driven paths still see the cold wallet's keys as verified.
    await expect(env.registry.assertVerified(cold.id)).resolves.toMatchObject({ tier: 'cold', status: 'usable' });
  });
});
