import { DisableKeyCommand, EnableKeyCommand, UpdateAliasCommand } from '@aws-sdk/client-kms';
import { AuditLog } from '@strongroom/audit';
import { describeEachBackend } from '@strongroom/testing';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import { KmsSigner } from '../kms-signer';
import { KeyRegistry } from './key-registry';
import { keysContext } from '../keys.context';

describeEachBackend('KeyRegistry', { contexts: [keysContext] }, (ctx) => {
  let kms: KmsLocalHandle;
  let signer: KmsSigner;
  let registry: KeyRegistry;
  const run = Math.random().toString(36).slice(2, 8);

  beforeAll(async () => {
    kms = await startKmsLocal();
    signer = new KmsSigner({ ...kms.config, requestsPerSecond: Infinity });
    registry = new KeyRegistry(ctx().db, new AuditLog(ctx().db));
  });
  afterAll(async () => {
    signer?.destroy();
    await kms?.stop();
  });

  async function ceremony(n: number, prefix: string) {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(`alias/${run}/${prefix}-${i}`);
    for (const alias of ids) await kms.createSigningKey(alias);
    return Promise.all(
      ids.map(async (kmsKeyId) => ({ kmsKeyId, publicKey: (await signer.publicKey(kmsKeyId)).compressedHex })),
    );
  }

  it('registers a Bitcoin 2-of-3 wallet, verifies it and lets it sign', async () => {
    const keys = await ceremony(3, 'btc');
    const w = await registry.registerWallet({ chain: 'bitcoin', threshold: 2, keys, label: `btc-${run}` });
    expect(w).toMatchObject({ chain: 'bitcoin', threshold: 2, status: 'unverified', label: `btc-${run}` });
    expect(w.keys.map((k) => k.kmsKeyId)).toEqual(keys.map((k) => k.kmsKeyId));
    await expect(registry.assertUsable(w.id)).rejects.toMatchObject({ code: 'keys.wallet_unverified' });
    const v = await registry.verifyWallet(w.id, signer);
    expect(v).toMatchObject({ usable: true, keys: [{ ok: true }, { ok: true }, { ok: true }] });
    await expect(registry.assertUsable(w.id)).resolves.toMatchObject({ status: 'usable' });
    expect((await registry.wallet(`btc-${run}`)).id).toBe(w.id);
  });

  it('detects a key whose public key in KMS differs from the record, stops signing and says why', async () => {
    const keys = await ceremony(2, 'eth');
    const [relayer] = await ceremony(1, 'relayer');
    const w = await registry.registerWallet({ chain: 'ethereum', threshold: 2, keys, relayer });
    expect(w.relayer).toMatchObject({ role: 'relayer', kmsKeyId: relayer.kmsKeyId });
    expect((await registry.verifyWallet(w.id, signer)).usable).toBe(true);

    // Someone re-points the second owner's alias at another key.
    const intruder = await kms.createSigningKey();
    await kms.client.send(new UpdateAliasCommand({ AliasName: keys[1].kmsKeyId, TargetKeyId: intruder }));
    const results = await registry.verifyAll(signer);
    const mine = results.find((r) => r.walletId === w.id)!;
    expect(mine.usable).toBe(false);
    expect(mine.keys.map((k) => k.ok)).toEqual([true, false, true]);
    expect(mine.reason).toContain(`key 2 (${keys[1].kmsKeyId}): KMS now returns public key`);
    expect(mine.reason).toContain(`the ceremony recorded ${keys[1].publicKey}`);
    await expect(registry.assertUsable(w.id)).rejects.toMatchObject({ code: 'keys.wallet_unusable', status: 409 });
    expect((await registry.wallet(w.id)).statusReason).toBe(mine.reason);
  });

  it('marks a wallet unusable while a key is disabled, and usable again once it is back', async () => {
    const keys = await ceremony(2, 'dis');
    const w = await registry.registerWallet({ chain: 'bitcoin', threshold: 1, keys });
    const keyId = (await signer.publicKey(keys[0].kmsKeyId)).keyArn!;
    await kms.client.send(new DisableKeyCommand({ KeyId: keyId }));
    const v = await registry.verifyWallet(w.id, signer);
    expect(v.usable).toBe(false);
    expect(v.reason).toMatch(/key 1 .*kms\.key_disabled/);
    await kms.client.send(new EnableKeyCommand({ KeyId: keyId }));
    expect((await registry.verifyWallet(w.id, signer)).usable).toBe(true);
    expect((await registry.verifyWallet(w.id, signer)).usable).toBe(true);
    // The registration and each change of verdict are audited; a repeated verdict is not.
    await new AuditLog(ctx().db).flush();
    const audited = await new AuditLog(ctx().db).list({ subjectType: 'wallet', subjectId: w.id });
    expect(audited.map((e) => e.action)).toEqual([
      'keys.wallet_registered',
      'keys.wallet_unusable',
      'keys.wallet_usable',
    ]);
    expect((audited[0].payload as { keys: unknown[] }).keys).toHaveLength(2);
  });

  it('refuses malformed wallets and keys registered twice', async () => {
    const keys = await ceremony(2, 'bad');
    const bad = (input: Parameters<KeyRegistry['registerWallet']>[0]) =>
      expect(registry.registerWallet(input)).rejects.toMatchObject({ code: 'keys.invalid_wallet', status: 400 });
    await bad({ chain: 'bitcoin', threshold: 3, keys });
    await bad({ chain: 'bitcoin', threshold: 0, keys });
    await bad({ chain: 'ethereum', threshold: 1, keys });
    await bad({ chain: 'bitcoin', threshold: 1, keys, relayer: keys[0] });
    await bad({ chain: 'bitcoin', threshold: 1, keys: [keys[0], keys[0]] });
    await bad({ chain: 'bitcoin', threshold: 1, keys: [{ kmsKeyId: 'x', publicKey: '02' + '00'.repeat(32) }] });
    await registry.registerWallet({ chain: 'bitcoin', threshold: 1, keys: [keys[0]] });
    await expect(registry.registerWallet({ chain: 'bitcoin', threshold: 1, keys: [keys[0]] })).rejects.toMatchObject({
      code: 'keys.duplicate',
      status: 409,
    });
    await expect(registry.wallet('no-such-wallet')).rejects.toMatchObject({ code: 'keys.wallet_not_found' });
  });
});
