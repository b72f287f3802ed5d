import { KMSClient } from '@aws-sdk/client-kms';
import { KmsKeyAdmin, KmsSigner } from '@strongroom/keys';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import { statementDigest, verifyStatementSignature } from '@strongroom/proof-verifier';
import { kmsPublicationSigner } from './publication-signer';

describe('the publication key in kms-local', () => {
  let kmsLocal: KmsLocalHandle;
  beforeAll(async () => {
    kmsLocal = await startKmsLocal();
  });
  afterAll(async () => {
    await kmsLocal?.stop();
  });

  it('is created on first use where the app may create keys, found again after, and signs statements', async () => {
    const admin = new KmsKeyAdmin(new KMSClient({ ...kmsLocal.config, maxAttempts: 1 }));
    const kms = new KmsSigner(kmsLocal.config);
    await expect(kmsPublicationSigner(kms).publicKey()).rejects.toMatchObject({ code: 'kms.key_not_found' });
    const first = kmsPublicationSigner(kms, { admin });
    const [a, b] = await Promise.all([first.publicKey(), first.publicKey()]);
    expect(a).toBe(b);
    // Another process (a fresh signer, no admin) finds the same key by its alias.
    const again = kmsPublicationSigner(new KmsSigner(kmsLocal.config));
    expect(await again.publicKey()).toBe(a);
    const digest = statementDigest(new TextEncoder().encode('strongroom-root-statement-v1\n'));
    const sig = await again.sign(digest);
    const hex = (n: bigint) => n.toString(16).padStart(64, '0');
    expect(verifyStatementSignature(digest, a, { r: hex(sig.r), s: hex(sig.s) })).toBe(true);
    expect(verifyStatementSignature(digest, a, { r: hex(sig.r), s: hex(sig.s + 1n) })).toBe(false);
  });
});
