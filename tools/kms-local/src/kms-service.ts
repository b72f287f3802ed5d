import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { newPrivateKey, publicKeySpki, sha256, signDigest, verifyDigest } from './ecdsa';
import { disabled, invalidKeyUsage, invalidState, KmsError, notFound, unsupported, validation } from './kms-error';
import type { KeyRecord, KeySpec, KeyStore, KeyUsage } from './key-store';

export type Json = Record<string, unknown>;

/** Per-request context taken from the SigV4 credential scope. */
export interface RequestContext {
  region: string;
}

/** The account every kms-local ARN names (AWS's documentation example account). */
export const ACCOUNT = '111122223333';

const SIGNING_ALGORITHM = 'ECDSA_SHA_256';

/** Counters the tests and the benchmark read (e.g. that high-S signatures really occur). */
export interface SignStats {
  signatures: number;
  highS: number;
}

/**
 * The KMS operations over a KeyStore, with AWS's request and response shapes (JSON 1.1, base64
 * blobs, epoch-second dates) and AWS's error names for the states that matter to callers.
 */
export class KmsService {
  readonly signStats: SignStats = { signatures: 0, highS: 0 };

  constructor(private readonly store: KeyStore) {}

  readonly operations: Record<string, (req: Json, ctx: RequestContext) => Json> = {
    CreateKey: (req, ctx) => this.createKey(req, ctx),
    DescribeKey: (req, ctx) => ({ KeyMetadata: metadata(this.resolve(req.KeyId, ctx)) }),
    ListKeys: (req) => this.listKeys(req),
    CreateAlias: (req, ctx) => this.createAlias(req, ctx, false),
    UpdateAlias: (req, ctx) => this.createAlias(req, ctx, true),
    ListAliases: (req, ctx) => this.listAliases(req, ctx),
    GetPublicKey: (req, ctx) => this.getPublicKey(req, ctx),
    Sign: (req, ctx) => this.sign(req, ctx),
    Verify: (req, ctx) => this.verify(req, ctx),
    Encrypt: (req, ctx) => this.encrypt(req, ctx),
    Decrypt: (req, ctx) => this.decrypt(req, ctx),
    GenerateDataKey: (req, ctx) => this.generateDataKey(req, ctx),
    EnableKey: (req, ctx) => this.setState(req, ctx, 'Enabled'),
    DisableKey: (req, ctx) => this.setState(req, ctx, 'Disabled'),
    ScheduleKeyDeletion: (req, ctx) => this.scheduleDeletion(req, ctx),
    CancelKeyDeletion: (req, ctx) => this.cancelDeletion(req, ctx),
  };

  /** Resolves a key id, key ARN, alias name or alias ARN to its key (NotFoundException if none). */
  resolve(id: unknown, ctx: RequestContext): KeyRecord {
    if (typeof id !== 'string' || id.length === 0 || id.length > 2048) {
      throw validation(
        "1 validation error detected: Value at 'keyId' failed to satisfy constraint: Member must not be null",
      );
    }
    const aliasName = id.startsWith('alias/') ? id : /^arn:aws:kms:[^:]*:[^:]*:(alias\/.+)$/.exec(id)?.[1];
    if (aliasName) {
      const alias = this.store.alias(aliasName);
      const key = alias && this.store.key(alias.targetKeyId);
      if (!key) throw notFound(`Alias ${aliasArn(ctx.region, aliasName)} is not found.`);
      return key;
    }
    const keyId = /^arn:aws:kms:[^:]*:[^:]*:key\/(.+)$/.exec(id)?.[1] ?? id;
    const key = this.store.key(keyId);
    if (!key) throw notFound(`Key '${keyArn(ctx.region, keyId)}' does not exist`);
    return key;
  }

  private createKey(req: Json, ctx: RequestContext): Json {
    const keySpec = (req.KeySpec ?? req.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT') as string;
    const keyUsage = (req.KeyUsage ?? 'ENCRYPT_DECRYPT') as string;
    const supported: Record<string, KeyUsage> = {
      ECC_SECG_P256K1: 'SIGN_VERIFY',
      SYMMETRIC_DEFAULT: 'ENCRYPT_DECRYPT',
    };
    if (!(keySpec in supported))
      throw validation(`kms-local supports KeySpec ECC_SECG_P256K1 and SYMMETRIC_DEFAULT, not ${keySpec}`);
    if (supported[keySpec] !== keyUsage)
      throw validation(`KeyUsage ${keyUsage} is not compatible with KeySpec ${keySpec}`);
    if (req.Origin !== undefined && req.Origin !== 'AWS_KMS')
      throw unsupported(`Origin ${String(req.Origin)} is not supported`);
    const material = keySpec === 'ECC_SECG_P256K1' ? Buffer.from(newPrivateKey()) : randomBytes(32);
    const rec: KeyRecord = {
      keyId: randomUUID(),
      region: ctx.region,
      account: ACCOUNT,
      createdAt: Date.now() / 1000,
      description: typeof req.Description === 'string' ? req.Description : '',
      keySpec: keySpec as KeySpec,
      keyUsage: keyUsage as KeyUsage,
      state: 'Enabled',
      material: material.toString('hex'),
    };
    this.store.putKey(rec);
    return { KeyMetadata: metadata(rec) };
  }

  private listKeys(req: Json): Json {
    const all = this.store.allKeys();
    const { page, truncated, next } = paginate(all, req);
    return {
      Keys: page.map((k) => ({ KeyId: k.keyId, KeyArn: keyArn(k.region, k.keyId) })),
      Truncated: truncated,
      ...(truncated ? { NextMarker: next } : {}),
    };
  }

  private createAlias(req: Json, ctx: RequestContext, update: boolean): Json {
    const name = req.AliasName;
    if (typeof name !== 'string' || !/^alias\/[a-zA-Z0-9/_-]{1,250}$/.test(name)) {
      throw new KmsError('ValidationException', `Alias name ${String(name)} is invalid`);
    }
    if (name.startsWith('alias/aws/')) throw new KmsError('NotAuthorizedException', 'alias/aws/ is reserved for AWS');
    const target = this.resolve(req.TargetKeyId, ctx);
    if (String(req.TargetKeyId).includes('alias/'))
      throw validation('TargetKeyId must be a key id or key ARN, not an alias');
    const existing = this.store.alias(name);
    if (update && !existing) throw notFound(`Alias ${aliasArn(ctx.region, name)} is not found.`);
    if (!update && existing)
      throw new KmsError(
        'AlreadyExistsException',
        `An alias with the name ${aliasArn(ctx.region, name)} already exists`,
      );
    this.store.putAlias({
      aliasName: name,
      targetKeyId: target.keyId,
      createdAt: existing?.createdAt ?? Date.now() / 1000,
    });
    return {};
  }

  private listAliases(req: Json, ctx: RequestContext): Json {
    const filter = req.KeyId === undefined ? undefined : this.resolve(req.KeyId, ctx).keyId;
    const all = this.store.allAliases().filter((a) => filter === undefined || a.targetKeyId === filter);
    const { page, truncated, next } = paginate(all, req);
    return {
      Aliases: page.map((a) => ({
        AliasName: a.aliasName,
        AliasArn: aliasArn(ctx.region, a.aliasName),
        TargetKeyId: a.targetKeyId,
        CreationDate: a.createdAt,
      })),
      Truncated: truncated,
      ...(truncated ? { NextMarker: next } : {}),
    };
  }

  private getPublicKey(req: Json, ctx: RequestContext): Json {
    const key = this.usable(req.KeyId, ctx);
    if (key.keySpec !== 'ECC_SECG_P256K1')
      throw unsupported(
        `${keyArn(key.region, key.keyId)} key usage is ENCRYPT_DECRYPT which is not valid for GetPublicKey.`,
      );
    return {
      KeyId: keyArn(key.region, key.keyId),
      PublicKey: publicKeySpki(Buffer.from(key.material, 'hex')).toString('base64'),
      CustomerMasterKeySpec: key.keySpec,
      KeySpec: key.keySpec,
      KeyUsage: key.keyUsage,
      SigningAlgorithms: [SIGNING_ALGORITHM],
    };
  }

  private sign(req: Json, ctx: RequestContext): Json {
    const key = this.signingKey(req, ctx, 'Sign');
    const digest = this.digestOf(req);
    const sig = signDigest(Buffer.from(key.material, 'hex'), digest);
    this.signStats.signatures += 1;
    if (sig.highS) this.signStats.highS += 1;
    return {
      KeyId: keyArn(key.region, key.keyId),
      Signature: sig.der.toString('base64'),
      SigningAlgorithm: SIGNING_ALGORITHM,
    };
  }

  private verify(req: Json, ctx: RequestContext): Json {
    const key = this.signingKey(req, ctx, 'Verify');
    const digest = this.digestOf(req);
    if (!verifyDigest(Buffer.from(key.material, 'hex'), digest, blob(req.Signature, 'Signature'))) {
      throw new KmsError('KMSInvalidSignatureException', 'Signature is not valid');
    }
    return { KeyId: keyArn(key.region, key.keyId), SignatureValid: true, SigningAlgorithm: SIGNING_ALGORITHM };
  }

  private encrypt(req: Json, ctx: RequestContext): Json {
    const key = this.symmetricKey(req.KeyId, ctx, 'Encrypt');
    const plaintext = blob(req.Plaintext, 'Plaintext');
    if (plaintext.length === 0 || plaintext.length > 4096) throw validation('Plaintext must be 1 to 4096 bytes');
    return {
      CiphertextBlob: sealBlob(key, plaintext, req.EncryptionContext).toString('base64'),
      KeyId: keyArn(key.region, key.keyId),
      EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    };
  }

  private decrypt(req: Json, ctx: RequestContext): Json {
    const ciphertext = blob(req.CiphertextBlob, 'CiphertextBlob');
    if (ciphertext.length < 1 + 36 + 28 || ciphertext[0] !== 1)
      throw new KmsError('InvalidCiphertextException', 'Ciphertext is not valid');
    const keyId = ciphertext.subarray(1, 37).toString('utf8');
    const key = this.symmetricKey(keyId, ctx, 'Decrypt');
    if (req.KeyId !== undefined && this.resolve(req.KeyId, ctx).keyId !== key.keyId) {
      throw new KmsError(
        'IncorrectKeyException',
        'The key ID in the request does not identify the key that encrypted the ciphertext',
      );
    }
    const aad = Buffer.concat([Buffer.from(key.keyId), Buffer.from(canonicalContext(req.EncryptionContext))]);
    try {
      const d = createDecipheriv('aes-256-gcm', Buffer.from(key.material, 'hex'), ciphertext.subarray(37, 49)).setAAD(
        aad,
      );
      d.setAuthTag(ciphertext.subarray(49, 65));
      const plaintext = Buffer.concat([d.update(ciphertext.subarray(65)), d.final()]);
      return {
        KeyId: keyArn(key.region, key.keyId),
        Plaintext: plaintext.toString('base64'),
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    } catch {
      throw new KmsError('InvalidCiphertextException', 'Ciphertext or encryption context is not valid');
    }
  }

  private generateDataKey(req: Json, ctx: RequestContext): Json {
    const key = this.symmetricKey(req.KeyId, ctx, 'GenerateDataKey');
    const bytes = req.KeySpec === 'AES_128' ? 16 : req.KeySpec === 'AES_256' ? 32 : req.NumberOfBytes;
    if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 1 || bytes > 1024) {
      throw validation('Either KeySpec (AES_128|AES_256) or NumberOfBytes (1..1024) is required');
    }
    const plaintext = randomBytes(bytes);
    return {
      KeyId: keyArn(key.region, key.keyId),
      Plaintext: plaintext.toString('base64'),
      CiphertextBlob: sealBlob(key, plaintext, req.EncryptionContext).toString('base64'),
    };
  }

  private setState(req: Json, ctx: RequestContext, state: 'Enabled' | 'Disabled'): Json {
    const key = this.resolve(req.KeyId, ctx);
    if (key.state === 'PendingDeletion') throw invalidState(`${keyArn(key.region, key.keyId)} is pending deletion.`);
    this.store.putKey({ ...key, state });
    return {};
  }

  private scheduleDeletion(req: Json, ctx: RequestContext): Json {
    const key = this.resolve(req.KeyId, ctx);
    const days = req.PendingWindowInDays ?? 30;
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 7 || days > 30) {
      throw validation('PendingWindowInDays must be an integer from 7 to 30');
    }
    if (key.state === 'PendingDeletion') throw invalidState(`${keyArn(key.region, key.keyId)} is pending deletion.`);
    // The key material is never removed: kms-local keeps keys forever (losing one loses funds).
    const deletionDate = Math.floor(Date.now() / 1000) + days * 86400;
    this.store.putKey({ ...key, state: 'PendingDeletion', deletionDate });
    return {
      KeyId: keyArn(key.region, key.keyId),
      DeletionDate: deletionDate,
      KeyState: 'PendingDeletion',
      PendingWindowInDays: days,
    };
  }

  private cancelDeletion(req: Json, ctx: RequestContext): Json {
    const key = this.resolve(req.KeyId, ctx);
    if (key.state !== 'PendingDeletion')
      throw invalidState(`${keyArn(key.region, key.keyId)} is not pending deletion.`);
    this.store.putKey({ ...key, state: 'Disabled', deletionDate: undefined });
    return { KeyId: keyArn(key.region, key.keyId) };
  }

  /** A key that exists and is enabled (AWS's errors for disabled and pending-deletion keys). */
  private usable(id: unknown, ctx: RequestContext): KeyRecord {
    const key = this.resolve(id, ctx);
    if (key.state === 'Disabled') throw disabled(`${keyArn(key.region, key.keyId)} is disabled.`);
    if (key.state === 'PendingDeletion') throw invalidState(`${keyArn(key.region, key.keyId)} is pending deletion.`);
    return key;
  }

  private signingKey(req: Json, ctx: RequestContext, op: string): KeyRecord {
    const key = this.usable(req.KeyId, ctx);
    if (key.keyUsage !== 'SIGN_VERIFY') {
      throw invalidKeyUsage(
        `${keyArn(key.region, key.keyId)} key usage is ${key.keyUsage} which is not valid for ${op}.`,
      );
    }
    if (req.SigningAlgorithm !== SIGNING_ALGORITHM) {
      throw invalidKeyUsage(`Algorithm ${String(req.SigningAlgorithm)} is incompatible with key spec ${key.keySpec}.`);
    }
    return key;
  }

  private symmetricKey(id: unknown, ctx: RequestContext, op: string): KeyRecord {
    const key = this.usable(id, ctx);
    if (key.keyUsage !== 'ENCRYPT_DECRYPT') {
      throw invalidKeyUsage(
        `${keyArn(key.region, key.keyId)} key usage is ${key.keyUsage} which is not valid for ${op}.`,
      );
    }
    return key;
  }

  private digestOf(req: Json): Buffer {
    const message = blob(req.Message, 'Message');
    const type = req.MessageType ?? 'RAW';
    if (type === 'DIGEST') {
      if (message.length !== 32) throw validation('Digest is invalid length for algorithm ECDSA_SHA_256.');
      return message;
    }
    if (type !== 'RAW') throw validation(`MessageType ${String(type)} is not supported`);
    if (message.length === 0 || message.length > 4096) throw validation('Message must be 1 to 4096 bytes');
    return sha256(message);
  }
}

export function keyArn(region: string, keyId: string): string {
  return `arn:aws:kms:${region}:${ACCOUNT}:key/${keyId}`;
}

function aliasArn(region: string, aliasName: string): string {
  return `arn:aws:kms:${region}:${ACCOUNT}:${aliasName}`;
}

function metadata(k: KeyRecord): Json {
  const signing = k.keyUsage === 'SIGN_VERIFY';
  return {
    AWSAccountId: k.account,
    KeyId: k.keyId,
    Arn: keyArn(k.region, k.keyId),
    CreationDate: k.createdAt,
    Enabled: k.state === 'Enabled',
    Description: k.description,
    KeyUsage: k.keyUsage,
    KeyState: k.state,
    ...(k.deletionDate ? { DeletionDate: k.deletionDate } : {}),
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: k.keySpec,
    KeySpec: k.keySpec,
    ...(signing ? { SigningAlgorithms: [SIGNING_ALGORITHM] } : { EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'] }),
    MultiRegion: false,
  };
}

function blob(value: unknown, field: string): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value))
    throw validation(`${field} must be a base64 blob`);
  return Buffer.from(value, 'base64');
}

function paginate<T>(all: T[], req: Json): { page: T[]; truncated: boolean; next: string } {
  const limit = typeof req.Limit === 'number' ? Math.min(Math.max(req.Limit, 1), 1000) : 100;
  const start = typeof req.Marker === 'string' ? Number.parseInt(req.Marker, 10) : 0;
  if (!Number.isInteger(start) || start < 0) throw new KmsError('InvalidMarkerException', 'Marker is not valid');
  const page = all.slice(start, start + limit);
  return { page, truncated: start + limit < all.length, next: String(start + limit) };
}

function canonicalContext(ctx: unknown): string {
  if (ctx === undefined || ctx === null) return '{}';
  const entries = Object.entries(ctx as Record<string, string>).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(entries);
}

/** Ciphertext blob: version 1 ‖ key id (36 ASCII bytes) ‖ IV ‖ GCM tag ‖ body; AAD = key id ‖ context. */
function sealBlob(key: KeyRecord, plaintext: Buffer, context: unknown): Buffer {
  const iv = randomBytes(12);
  const aad = Buffer.concat([Buffer.from(key.keyId), Buffer.from(canonicalContext(context))]);
  const c = createCipheriv('aes-256-gcm', Buffer.from(key.material, 'hex'), iv).setAAD(aad);
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([Buffer.from([1]), Buffer.from(key.keyId), iv, c.getAuthTag(), body]);
}
