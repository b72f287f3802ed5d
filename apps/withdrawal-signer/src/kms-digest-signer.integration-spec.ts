import { randomBytes } from 'node:crypto';
import { KmsSigner, type Wallet } from '@strongroom/keys';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import { KmsDigestSigner } from './kms-digest-signer';

const MAX_ATTEMPTS = 4;

describe('KmsDigestSigner over kms-local: one bounded retry policy per digest', () => {
  let kms: KmsLocalHandle;
  let kmsSigner: KmsSigner;
  let signer: KmsDigestSigner;
  let publicKey: string;

  beforeAll(async () => {
    kms = await startKmsLocal();
    kmsSigner = new KmsSigner({
      ...kms.config,
      requestsPerSecond: Infinity,
      maxAttempts: MAX_ATTEMPTS,
      retryBaseMs: 1,
    });
    const kmsKeyId = await kms.createSigningKey();
    publicKey = (await kmsSigner.publicKey(kmsKeyId)).compressedHex;
    const key = { role: 'cosigner' as const, position: 0, kmsKeyId, publicKey, ethereumAddress: '' };
    const wallet: Wallet = {
      ...{ id: 'w1', label: 'hot', chain: 'bitcoin', clientId: null, tier: 'hot', threshold: 1 },
      ...{ keys: [key], status: 'usable', createdAt: new Date() },
    };
    // The registry's DB side is not under test: the wallet it would hand out is given directly.
    signer = new KmsDigestSigner(kmsSigner, { assertUsable: async () => wallet });
  });
  afterAll(async () => {
    kmsSigner?.destroy();
    await kms?.stop();
  });
  afterEach(() => kms.server.setFaults({}));

  const signCalls = () => kms.server.stats.byOperation.Sign ?? 0;
  const digest = () => randomBytes(32).toString('hex');

  it('signs when KMS answers', async () => {
    const before = signCalls();
    await expect(signer.sign('w1', publicKey, digest())).resolves.toMatchObject({ publicKey });
    expect(signCalls() - before).toBe(1);
  });

  it.each([
    ['throttled', { throttleRate: 1 }, 'kms.throttled'],
    ['failing with HTTP 500', { errorRate: 1 }, 'kms.unavailable'],
  ])(`gives up on a digest whose Sign is %s after ${MAX_ATTEMPTS} attempts`, async (_, faults, code) => {
    kms.server.setFaults({ ...faults, operations: ['Sign'] });
    const before = signCalls();
    await expect(signer.sign('w1', publicKey, digest())).rejects.toMatchObject({ code });
    expect(signCalls() - before).toBe(MAX_ATTEMPTS);
  });
});
