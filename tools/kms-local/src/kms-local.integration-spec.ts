import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AlreadyExistsException,
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisabledException,
  DisableKeyCommand,
  EncryptCommand,
  EnableKeyCommand,
  GenerateDataKeyCommand,
  GetPublicKeyCommand,
  InvalidCiphertextException,
  InvalidKeyUsageException,
  KMSClient,
  KMSInvalidSignatureException,
  KMSInvalidStateException,
  KMSServiceException,
  ListAliasesCommand,
  ListKeysCommand,
  NotFoundException,
  ScheduleKeyDeletionCommand,
  SignCommand,
  UnsupportedOperationException,
  UpdateAliasCommand,
  VerifyCommand,
} from '@aws-sdk/client-kms';
import { secp256k1 } from '@noble/curves/secp256k1';
import { KmsLocalServer } from './server';

const sign = (KeyId: string, Message: Uint8Array, MessageType: 'DIGEST' | 'RAW' = 'DIGEST') =>
  new SignCommand({ KeyId, Message, MessageType, SigningAlgorithm: 'ECDSA_SHA_256' });

describe('kms-local speaks the KMS protocol to the real SDK', () => {
  // The server directly, not through the test harness library (which itself depends on kms-local).
  let server: KmsLocalServer;
  let dataDir: string;
  let client: KMSClient;
  let keyId: string;
  const kms = {
    get endpoint() {
      return server.endpoint;
    },
    get server() {
      return server;
    },
    get dataDir() {
      return dataDir;
    },
    async createSigningKey(alias?: string) {
      const id = (await client.send(new CreateKeyCommand({ KeySpec: 'ECC_SECG_P256K1', KeyUsage: 'SIGN_VERIFY' })))
        .KeyMetadata!.KeyId!;
      if (alias) await client.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: id }));
      return id;
    },
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'kms-local-spec-'));
    server = await KmsLocalServer.start({ dataDir, secret: 'spec-secret' });
    client = new KMSClient({
      endpoint: server.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIASPEC', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    keyId = await kms.createSigningKey('alias/spec/signer');
  });
  afterAll(async () => {
    client?.destroy();
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('describes keys with AWS metadata and lists keys and aliases', async () => {
    const { KeyMetadata: m } = await client.send(new DescribeKeyCommand({ KeyId: 'alias/spec/signer' }));
    expect(m).toMatchObject({
      KeyId: keyId,
      KeySpec: 'ECC_SECG_P256K1',
      KeyUsage: 'SIGN_VERIFY',
      KeyState: 'Enabled',
      Enabled: true,
      SigningAlgorithms: ['ECDSA_SHA_256'],
    });
    expect(m!.Arn).toBe(`arn:aws:kms:eu-west-1:111122223333:key/${keyId}`);
    expect(m!.CreationDate).toBeInstanceOf(Date);
    const keys = await client.send(new ListKeysCommand({}));
    expect(keys.Keys!.map((k) => k.KeyId)).toContain(keyId);
    const aliases = await client.send(new ListAliasesCommand({ KeyId: keyId }));
    expect(aliases.Aliases).toEqual([expect.objectContaining({ AliasName: 'alias/spec/signer', TargetKeyId: keyId })]);
    // By ARN and alias ARN too.
    await expect(client.send(new DescribeKeyCommand({ KeyId: m!.Arn }))).resolves.toBeDefined();
    await expect(
      client.send(new DescribeKeyCommand({ KeyId: 'arn:aws:kms:eu-west-1:111122223333:alias/spec/signer' })),
    ).resolves.toBeDefined();
  });

  it('signs DIGEST and RAW with random k, often high-S, verifiable with the public key; Verify agrees', async () => {
    const { PublicKey } = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
    const point = Buffer.from(PublicKey!).subarray(-65);
    let high = 0;
    const digest = randomBytes(32);
    const seen = new Set<string>();
    for (let i = 0; i < 64; i++) {
      const { Signature } = await client.send(sign(keyId, digest));
      const sig = secp256k1.Signature.fromDER(Signature!);
      seen.add(sig.r.toString(16));
      if (sig.hasHighS()) high++;
      expect(secp256k1.verify(sig.toCompactRawBytes(), digest, point, { lowS: false })).toBe(true);
    }
    expect(seen.size).toBe(64); // a fresh nonce each time
    expect(high).toBeGreaterThan(10);
    expect(high).toBeLessThan(54);
    const message = Buffer.from('hello kms');
    const raw = await client.send(sign(keyId, message, 'RAW'));
    const rawSig = secp256k1.Signature.fromDER(raw.Signature!);
    expect(
      secp256k1.verify(rawSig.toCompactRawBytes(), createHash('sha256').update(message).digest(), point, {
        lowS: false,
      }),
    ).toBe(true);
    const ok = await client.send(
      new VerifyCommand({
        KeyId: keyId,
        Message: message,
        MessageType: 'RAW',
        Signature: raw.Signature,
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    expect(ok.SignatureValid).toBe(true);
    await expect(
      client.send(
        new VerifyCommand({
          KeyId: keyId,
          Message: Buffer.from('other'),
          MessageType: 'RAW',
          Signature: raw.Signature,
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
    ).rejects.toBeInstanceOf(KMSInvalidSignatureException);
  });

  it('encrypts, decrypts and generates data keys with symmetric keys, bound to the encryption context', async () => {
    const sym = (await client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const ctx = { purpose: 'test' };
    const { CiphertextBlob } = await client.send(
      new EncryptCommand({ KeyId: sym, Plaintext: Buffer.from('secret'), EncryptionContext: ctx }),
    );
    const { Plaintext, KeyId } = await client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: ctx }));
    expect(Buffer.from(Plaintext!).toString()).toBe('secret');
    expect(KeyId).toContain(sym);
    await expect(
      client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { purpose: 'other' } })),
    ).rejects.toBeInstanceOf(InvalidCiphertextException);
    const dk = await client.send(new GenerateDataKeyCommand({ KeyId: sym, KeySpec: 'AES_256' }));
    expect(dk.Plaintext).toHaveLength(32);
    const back = await client.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }));
    expect(Buffer.from(back.Plaintext!).equals(Buffer.from(dk.Plaintext!))).toBe(true);
    await expect(client.send(sign(sym, randomBytes(32)))).rejects.toBeInstanceOf(InvalidKeyUsageException);
    await expect(client.send(new GetPublicKeyCommand({ KeyId: sym }))).rejects.toBeInstanceOf(
      UnsupportedOperationException,
    );
    await expect(client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }))).rejects.toBeInstanceOf(
      InvalidKeyUsageException,
    );
  });

  it('error shapes parse in the SDK as the named exceptions', async () => {
    const err = await client.send(new GetPublicKeyCommand({ KeyId: 'alias/nope' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundException);
    expect(err).toBeInstanceOf(KMSServiceException);
    expect(err).toMatchObject({ name: 'NotFoundException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
    expect((err as Error).message).toMatch(/alias\/nope is not found/);

    const k = await kms.createSigningKey();
    await client.send(new DisableKeyCommand({ KeyId: k }));
    await expect(client.send(sign(k, randomBytes(32)))).rejects.toBeInstanceOf(DisabledException);
    await client.send(new EnableKeyCommand({ KeyId: k }));
    await client.send(new ScheduleKeyDeletionCommand({ KeyId: k, PendingWindowInDays: 7 }));
    const pending = await client.send(sign(k, randomBytes(32))).catch((e: unknown) => e);
    expect(pending).toBeInstanceOf(KMSInvalidStateException);
    expect((pending as Error).message).toMatch(/pending deletion/);
    await client.send(new CancelKeyDeletionCommand({ KeyId: k }));
    expect((await client.send(new DescribeKeyCommand({ KeyId: k }))).KeyMetadata!.KeyState).toBe('Disabled');

    await expect(
      client.send(new CreateAliasCommand({ AliasName: 'alias/spec/signer', TargetKeyId: k })),
    ).rejects.toBeInstanceOf(AlreadyExistsException);
    await expect(
      client.send(new UpdateAliasCommand({ AliasName: 'alias/spec/absent', TargetKeyId: k })),
    ).rejects.toBeInstanceOf(NotFoundException);
    const badDigest = await client.send(sign(keyId, randomBytes(31))).catch((e: unknown) => e);
    expect(badDigest).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });

    kms.server.setFaults({ throttleRate: 1 });
    const throttled = await client.send(new DescribeKeyCommand({ KeyId: keyId })).catch((e: unknown) => e);
    kms.server.clearFaults();
    expect(throttled).toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    kms.server.failKey('alias/spec/signer', { type: 'KMSInternalException', status: 500 });
    const internal = await client.send(new DescribeKeyCommand({ KeyId: keyId })).catch((e: unknown) => e);
    kms.server.clearFaults();
    expect(internal).toMatchObject({
      name: 'KMSInternalException',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
    });
  });

  it('refuses requests without a SigV4 Authorization header', async () => {
    const res = await fetch(kms.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'TrentService.ListKeys' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await res.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });

  it('stores keys encrypted, 0600, one file per key', async () => {
    const dir = path.join(kms.dataDir, 'keys');
    const files = readdirSync(dir);
    expect(files).toContain(`${keyId}.enc`);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    for (const f of files) {
      expect(statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
      const text = readFileSync(path.join(dir, f));
      expect(text.includes(Buffer.from('material'))).toBe(false);
      expect(text.includes(Buffer.from('ECC_SECG_P256K1'))).toBe(false);
    }
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });
});
