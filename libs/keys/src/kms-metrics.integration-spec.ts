import { randomBytes } from 'node:crypto';
import { DisableKeyCommand } from '@aws-sdk/client-kms';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import { KmsSigner } from './kms-signer';
import { kmsCallDuration, kmsErrors, kmsRetries } from './kms-metrics';

async function value(
  metric: { get(): Promise<{ values: { labels: object; value: number; metricName?: string }[] }> },
  labels: Record<string, string>,
  name?: string,
): Promise<number> {
  const { values } = await metric.get();
  const hit = values.find(
    (v) =>
      (!name || v.metricName === name) &&
      Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x),
  );
  return hit?.value ?? 0;
}

describe('KMS metrics (kms-local over HTTP)', () => {
  let kms: KmsLocalHandle;
  beforeAll(async () => {
    kms = await startKmsLocal();
  });
  afterAll(async () => kms?.stop());

  it('a successful Sign is timed under outcome ok', async () => {
    const s = new KmsSigner({ ...kms.config, requestsPerSecond: Infinity });
    const keyId = await kms.createSigningKey();
    const before = await value(
      kmsCallDuration,
      { operation: 'Sign', outcome: 'ok' },
      'strongroom_kms_request_duration_seconds_count',
    );
    await s.signDigest(keyId, randomBytes(32));
    expect(
      await value(
        kmsCallDuration,
        { operation: 'Sign', outcome: 'ok' },
        'strongroom_kms_request_duration_seconds_count',
      ),
    ).toBe(before + 1);
    s.destroy();
  });

  it('a key failing with 500s: retries counted, then one kms.unavailable error', async () => {
    const s = new KmsSigner({
      ...kms.config,
      requestsPerSecond: Infinity,
      maxAttempts: 3,
      retryBaseMs: 1,
      retryMaxMs: 5,
    });
    const keyId = await kms.createSigningKey();
    await s.publicKey(keyId);
    const errors = await value(kmsErrors, { operation: 'Sign', code: 'kms.unavailable' });
    const retries = await value(kmsRetries, { operation: 'Sign', reason: 'unavailable' });
    const failedCalls = await value(
      kmsCallDuration,
      { operation: 'Sign', outcome: 'error' },
      'strongroom_kms_request_duration_seconds_count',
    );
    kms.server.failKey(keyId, { type: 'KMSInternalException', status: 500 });
    try {
      await expect(s.signDigest(keyId, randomBytes(32))).rejects.toMatchObject({ code: 'kms.unavailable' });
    } finally {
      kms.server.clearFaults();
      s.destroy();
    }
    expect(await value(kmsErrors, { operation: 'Sign', code: 'kms.unavailable' })).toBe(errors + 1);
    expect(await value(kmsRetries, { operation: 'Sign', reason: 'unavailable' })).toBe(retries + 2);
    expect(
      await value(
        kmsCallDuration,
        { operation: 'Sign', outcome: 'error' },
        'strongroom_kms_request_duration_seconds_count',
      ),
    ).toBe(failedCalls + 1);
  });

  it('a disabled key counts kms.key_disabled under its operation, without retries', async () => {
    const s = new KmsSigner({ ...kms.config, requestsPerSecond: Infinity });
    const keyId = await kms.createSigningKey();
    await kms.client.send(new DisableKeyCommand({ KeyId: keyId }));
    const before = await value(kmsErrors, { operation: 'GetPublicKey', code: 'kms.key_disabled' });
    await expect(s.signDigest(keyId, randomBytes(32))).rejects.toMatchObject({ code: 'kms.key_disabled' });
    expect(await value(kmsErrors, { operation: 'GetPublicKey', code: 'kms.key_disabled' })).toBe(before + 1);
    s.destroy();
  });
});
