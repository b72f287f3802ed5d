import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import {
  CreateKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  ScheduleKeyDeletionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-kms';
import { script } from 'bitcoinjs-lib';
import { recoverAddress } from 'ethers';
import * as ecc from 'tiny-secp256k1';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import { isDomainError } from '@strongroom/shared-types';
import { bitcoinSignature, ethereumSignature, KmsSigner, type KmsPublicKey } from './index';

/** Runs `count` tasks with `concurrency` in flight. */
async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/**
 * The independent checks of the 10k test run in a worker thread so they use the second core
 * while this thread drives the SDK and kms-local: bitcoinjs-lib decodes the DER + hashtype and
 * tiny-secp256k1 verifies it with strict low-S; ethers recovers the address from r ‖ s ‖ v.
 */
const VERIFIER = `
const { parentPort } = require('node:worker_threads');
const { recoverAddress } = require('ethers');
const { script } = require('bitcoinjs-lib');
const ecc = require('tiny-secp256k1');
parentPort.on('message', (batch) => {
  const failures = [];
  for (const c of batch) {
    const digest = Buffer.from(c.digest, 'hex');
    const btc = script.signature.decode(Buffer.from(c.btc, 'hex'));
    if (btc.hashType !== 1 || !ecc.verify(digest, Buffer.from(c.pub, 'hex'), btc.signature, true)) failures.push(c.i + ': bitcoin strict verify');
    if (recoverAddress(digest, c.eth) !== c.address) failures.push(c.i + ': ethereum recover');
  }
  parentPort.postMessage({ checked: batch.length, failures });
});`;

interface Check {
  i: number;
  digest: string;
  btc: string;
  eth: string;
  pub: string;
  address: string;
}

function startVerifier(): {
  check(batch: Check[]): Promise<{ checked: number; failures: string[] }>;
  stop(): Promise<number>;
} {
  const worker = new Worker(VERIFIER, { eval: true });
  const waiting: ((r: { checked: number; failures: string[] }) => void)[] = [];
  worker.on('message', (r: { checked: number; failures: string[] }) => waiting.shift()!(r));
  return {
    check: (batch) =>
      new Promise((resolve) => {
        waiting.push(resolve);
        worker.postMessage(batch);
      }),
    stop: () => worker.terminate(),
  };
}

const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

describe('KmsSigner against kms-local over HTTP (real AWS SDK)', () => {
  let kms: KmsLocalHandle;
  let signer: KmsSigner;
  let keys: string[];
  let pubs: KmsPublicKey[];

  beforeAll(async () => {
    kms = await startKmsLocal();
    signer = new KmsSigner({ ...kms.config, requestsPerSecond: Infinity });
    keys = [
      await kms.createSigningKey('alias/test/cosigner-1'),
      await kms.createSigningKey(),
      await kms.createSigningKey(),
    ];
    pubs = await Promise.all(keys.map((k) => signer.publicKey(k)));
  });
  afterAll(async () => {
    signer?.destroy();
    await kms?.stop();
  });

  it('reads the public key once and derives its forms', async () => {
    const before = kms.server.stats.byOperation.GetPublicKey ?? 0;
    const pub = await signer.publicKey(keys[0]);
    expect(kms.server.stats.byOperation.GetPublicKey ?? 0).toBe(before); // cached
    expect(pub.compressed).toHaveLength(33);
    expect(pub.uncompressed).toHaveLength(65);
    expect(Buffer.from(ecc.pointCompress(pub.uncompressed, true)).toString('hex')).toBe(pub.compressedHex);
    expect(pub.ethereumAddress).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(pub.ethereumAddress).not.toBe(pub.ethereumAddress.toLowerCase()); // EIP-55 mixed case
    const viaAlias = await signer.publicKey('alias/test/cosigner-1');
    expect(viaAlias.compressedHex).toBe(pub.compressedHex);
    expect(viaAlias.keyId).toBe('alias/test/cosigner-1');
    expect(viaAlias.keyArn).toContain(keys[0]);
  });

  it('10,000 signatures: all low-S, strict-DER valid for Bitcoin and recovering the address for Ethereum', async () => {
    kms.server.resetStats();
    const before = signer.metrics;
    const verifier = startVerifier();
    const verdicts: Promise<{ checked: number; failures: string[] }>[] = [];
    const failures: string[] = [];
    let batch: Check[] = [];
    try {
      await pool(10_000, 24, async (i) => {
        const k = i % keys.length;
        const digest = randomBytes(32);
        const sig = await signer.signDigest(keys[k], digest);
        if (sig.s > HALF_N) failures.push(`#${i}: high S`);
        batch.push({
          i,
          digest: digest.toString('hex'),
          btc: Buffer.from(bitcoinSignature(sig, 0x01)).toString('hex'),
          eth: ethereumSignature(sig).serialized,
          pub: pubs[k].compressedHex,
          address: pubs[k].ethereumAddress,
        });
        if (batch.length === 250) {
          verdicts.push(verifier.check(batch));
          batch = [];
        }
      });
      if (batch.length) verdicts.push(verifier.check(batch));
      const results = await Promise.all(verdicts);
      expect(results.reduce((n, r) => n + r.checked, 0)).toBe(10_000);
      failures.push(...results.flatMap((r) => r.failures));
    } finally {
      await verifier.stop();
    }
    expect(failures).toEqual([]);
    const after = signer.metrics;
    expect(after.signatures - before.signatures).toBe(10_000);
    // On a loaded machine an attempt can pass its deadline after the server signed: it is retried
    // and the late signature discarded, so the server may have signed up to that many more.
    const stats = kms.server.stats;
    expect(stats.signatures).toBeGreaterThanOrEqual(10_000);
    expect(stats.signatures).toBeLessThanOrEqual(10_000 + (after.retries - before.retries));
    // KMS (kms-local like AWS) hands out high-S signatures about half the time; all were fixed.
    expect(after.highSNormalised - before.highSNormalised).toBeGreaterThan(4_000);
    expect(after.highSNormalised - before.highSNormalised).toBeLessThanOrEqual(stats.highS);
    // ~45 s of CPU split over two threads: ~25 s on an idle 2-core machine. The generous limit
    // only keeps a busy shared machine from failing it; speed is measured by `npm run bench -- keys`.
  }, 600_000);

  it('signBitcoin gives DER(low-S) ‖ sighash type, default SIGHASH_ALL', async () => {
    const digest = randomBytes(32);
    const all = await signer.signBitcoin(keys[1], digest);
    expect(all[all.length - 1]).toBe(0x01);
    const decoded = script.signature.decode(all);
    expect(ecc.verify(digest, pubs[1].compressed, decoded.signature, true)).toBe(true);
    const single = await signer.signBitcoin(keys[1], digest, 0x83);
    expect(script.signature.decode(single).hashType).toBe(0x83);
  });

  it('signEthereum gives r, s, v 27/28, yParity and the 65-byte serialisation', async () => {
    const seen = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const digest = randomBytes(32);
      const sig = await signer.signEthereum(keys[2], digest);
      seen.add(sig.v);
      expect(sig.v - 27).toBe(sig.yParity);
      expect(sig.serialized).toMatch(/^0x[0-9a-f]{130}$/);
      expect(sig.serialized.slice(2, 66)).toBe(sig.r.slice(2));
      expect(recoverAddress(digest, { r: sig.r, s: sig.s, v: sig.v })).toBe(pubs[2].ethereumAddress);
    }
    expect([...seen].sort()).toEqual([27, 28]);
  });

  it('30% throttling: every signature still succeeds and the retries are visible', async () => {
    const throttled = new KmsSigner({
      ...kms.config,
      requestsPerSecond: Infinity,
      maxAttempts: 15,
      retryBaseMs: 5,
      retryMaxMs: 100,
    });
    await throttled.publicKey(keys[0]);
    kms.server.resetStats();
    kms.server.setFaults({ throttleRate: 0.3 });
    try {
      const results: boolean[] = [];
      await pool(1_000, 32, async () => {
        const digest = randomBytes(32);
        const sig = await throttled.signEthereum(keys[0], digest);
        results.push(recoverAddress(digest, sig.serialized) === pubs[0].ethereumAddress);
      });
      expect(results.filter(Boolean)).toHaveLength(1_000);
    } finally {
      kms.server.clearFaults();
      throttled.destroy();
    }
    const m = throttled.metrics;
    expect(kms.server.stats.throttled).toBeGreaterThan(200);
    // Every throttled answer the client saw was retried. On a loaded machine an attempt can time
    // out at the client and be retried while the server still throttles it, so the server may
    // count a few throttles the client never saw — at most one per such timeout retry.
    expect(m.retries).toBeGreaterThanOrEqual(m.throttled);
    expect(m.throttled).toBeLessThanOrEqual(kms.server.stats.throttled);
    expect(kms.server.stats.throttled - m.throttled).toBeLessThanOrEqual(m.retries - m.throttled);
    expect(m.attempts).toBe(1_001 + m.retries);
  });

  it('throttling that never ends: kms.throttled after maxAttempts, not an endless loop', async () => {
    const s = new KmsSigner({
      ...kms.config,
      requestsPerSecond: Infinity,
      maxAttempts: 4,
      retryBaseMs: 1,
      retryMaxMs: 5,
    });
    await s.publicKey(keys[1]);
    kms.server.setFaults({ throttleRate: 1, operations: ['Sign'] });
    try {
      await expect(s.signDigest(keys[1], randomBytes(32))).rejects.toMatchObject({
        code: 'kms.throttled',
        extra: { attempts: 4 },
      });
      expect(s.metrics.attempts).toBe(1 + 4);
    } finally {
      kms.server.clearFaults();
      s.destroy();
    }
  });

  it('a key failing with 500s: retried, then kms.unavailable', async () => {
    const s = new KmsSigner({
      ...kms.config,
      requestsPerSecond: Infinity,
      maxAttempts: 3,
      retryBaseMs: 1,
      retryMaxMs: 5,
    });
    await s.publicKey(keys[2]);
    kms.server.failKey(keys[2], { type: 'KMSInternalException', status: 500 });
    try {
      await expect(s.signDigest(keys[2], randomBytes(32))).rejects.toMatchObject({
        code: 'kms.unavailable',
        status: 503,
        extra: { attempts: 3 },
      });
    } finally {
      kms.server.clearFaults();
      s.destroy();
    }
  });

  it('a response slower than the timeout is retried and then reported as kms.unavailable', async () => {
    const s = new KmsSigner({
      ...kms.config,
      requestsPerSecond: Infinity,
      maxAttempts: 2,
      timeoutMs: 50,
      retryBaseMs: 1,
      retryMaxMs: 5,
    });
    await s.publicKey(keys[2]);
    kms.server.setFaults({ latencyMs: 300 });
    try {
      await expect(s.signDigest(keys[2], randomBytes(32))).rejects.toMatchObject({
        code: 'kms.unavailable',
        extra: { attempts: 2 },
      });
    } finally {
      kms.server.clearFaults();
      s.destroy();
    }
  });

  it('a disabled key: kms.key_disabled at once, one attempt, no retries; enabled again it signs', async () => {
    const keyId = await kms.createSigningKey();
    const s = new KmsSigner({ ...kms.config, requestsPerSecond: Infinity });
    await s.publicKey(keyId);
    await kms.client.send(new DisableKeyCommand({ KeyId: keyId }));
    const before = s.metrics;
    const err = await s.signDigest(keyId, randomBytes(32)).catch((e: unknown) => e);
    expect(isDomainError(err, 'kms.key_disabled')).toBe(true);
    expect(err).toMatchObject({ status: 409, extra: { keyId, awsError: 'DisabledException', attempts: 1 } });
    expect(s.metrics.attempts - before.attempts).toBe(1);
    expect(s.metrics.retries).toBe(before.retries);
    // A cold cache fails the same way (GetPublicKey is refused too).
    const cold = new KmsSigner({ ...kms.config });
    await expect(cold.publicKey(keyId)).rejects.toMatchObject({ code: 'kms.key_disabled' });
    cold.destroy();
    await kms.client.send(new EnableKeyCommand({ KeyId: keyId }));
    await expect(s.signDigest(keyId, randomBytes(32))).resolves.toMatchObject({ recovery: expect.any(Number) });
    s.destroy();
  });

  it('maps pending deletion, unknown keys, wrong key specs and bad credentials to their domain errors', async () => {
    const s = new KmsSigner({ ...kms.config, requestsPerSecond: Infinity });
    const doomed = await kms.createSigningKey();
    await s.publicKey(doomed);
    await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: doomed, PendingWindowInDays: 7 }));
    await expect(s.signDigest(doomed, randomBytes(32))).rejects.toMatchObject({
      code: 'kms.key_pending_deletion',
      status: 409,
    });
    await expect(s.publicKey('alias/does-not-exist')).rejects.toMatchObject({ code: 'kms.key_not_found', status: 404 });
    await expect(s.signDigest('6f0b3a3e-0000-4000-8000-000000000000', randomBytes(32))).rejects.toMatchObject({
      code: 'kms.key_not_found',
    });
    const symmetric = (await kms.client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    await expect(s.signDigest(symmetric, randomBytes(32))).rejects.toMatchObject({
      code: 'kms.wrong_key_spec',
      status: 422,
    });
    const stranger = new KmsSigner({
      ...kms.config,
      credentials: { accessKeyId: 'AKIASOMEONEELSE', secretAccessKey: 'x' },
    });
    await expect(stranger.publicKey(keys[0])).rejects.toMatchObject({
      code: 'kms.access_denied',
      extra: { awsError: 'UnrecognizedClientException' },
    });
    await expect(s.signDigest(keys[0], new Uint8Array(31))).rejects.toMatchObject({ code: 'kms.invalid_request' });
    expect(s.metrics.retries).toBe(0);
    s.destroy();
    stranger.destroy();
  });

  it('refuses a signature that does not verify against the recorded key (alias re-pointed)', async () => {
    const a = await kms.createSigningKey('alias/test/moving');
    const b = await kms.createSigningKey();
    const s = new KmsSigner({ ...kms.config, requestsPerSecond: Infinity });
    await s.publicKey('alias/test/moving');
    await kms.client.send(new UpdateAliasCommand({ AliasName: 'alias/test/moving', TargetKeyId: b }));
    await expect(s.signDigest('alias/test/moving', randomBytes(32))).rejects.toMatchObject({
      code: 'kms.signature_invalid',
    });
    expect(a).not.toBe(b);
    s.destroy();
  });
});

describe('kms-local restart', () => {
  it('keeps every key and its public key', async () => {
    const dir = await (await import('node:fs/promises')).mkdtemp(`${(await import('node:os')).tmpdir()}/kms-restart-`);
    try {
      const first = await startKmsLocal({ dataDir: dir, secret: 's3cret' });
      const ids = [await first.createSigningKey('alias/restart/a'), await first.createSigningKey()];
      const s1 = new KmsSigner(first.config);
      const before = await Promise.all([...ids, 'alias/restart/a'].map((k) => s1.publicKey(k)));
      s1.destroy();
      await first.stop();

      const second = await startKmsLocal({ dataDir: dir, secret: 's3cret' });
      const s2 = new KmsSigner(second.config);
      const after = await Promise.all([...ids, 'alias/restart/a'].map((k) => s2.publicKey(k)));
      expect(after.map((p) => p.compressedHex)).toEqual(before.map((p) => p.compressedHex));
      const digest = randomBytes(32);
      const sig = await s2.signEthereum(ids[1], digest);
      expect(recoverAddress(digest, sig.serialized)).toBe(before[1].ethereumAddress);
      s2.destroy();
      await second.stop();

      await expect(startKmsLocal({ dataDir: dir, secret: 'wrong' })).rejects.toThrow(/does not open the key store/);
    } finally {
      await (await import('node:fs/promises')).rm(dir, { recursive: true, force: true });
    }
  });
});
