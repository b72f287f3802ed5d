import { createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { secp256k1 } from '@noble/curves/secp256k1';
import { verifies } from './verify-recovery';

const N = secp256k1.CURVE.n;

/** The one thing the tool asks KMS for: a low-S signature of a 32-byte digest, checked against the key. */
export interface DigestSigner {
  publicKey(kmsKeyId: string): Promise<string>;
  sign(kmsKeyId: string, publicKey: string, digest: Buffer): Promise<{ r: string; s: string }>;
}

/**
 * KMS through the AWS SDK: KMS_ENDPOINT (kms-local or a VPC endpoint), AWS_REGION and the SDK's
 * usual credentials (environment, profile, instance role). `signCalls` counts Sign requests.
 */
export class KmsDigestSigner implements DigestSigner {
  private readonly client: KMSClient;
  signCalls = 0;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) throw new Error('AWS_REGION is not set (any value for kms-local)');
    this.client = new KMSClient({
      region,
      ...(env.KMS_ENDPOINT ? { endpoint: env.KMS_ENDPOINT } : {}),
      maxAttempts: 5,
    });
  }

  /** The key's compressed SEC1 public key, from KMS's DER SubjectPublicKeyInfo. */
  async publicKey(kmsKeyId: string): Promise<string> {
    const res = await this.client.send(new GetPublicKeyCommand({ KeyId: kmsKeyId }));
    if (!res.PublicKey) throw new Error(`KMS returned no public key for ${kmsKeyId}`);
    const jwk = createPublicKey({ key: Buffer.from(res.PublicKey), format: 'der', type: 'spki' }).export({
      format: 'jwk',
    });
    if (jwk.crv !== 'secp256k1' || !jwk.x || !jwk.y) throw new Error(`KMS key ${kmsKeyId} is not secp256k1`);
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
    return Buffer.from(secp256k1.ProjectivePoint.fromHex(point).toRawBytes(true)).toString('hex');
  }

  async sign(kmsKeyId: string, publicKey: string, digest: Buffer): Promise<{ r: string; s: string }> {
    this.signCalls++;
    const res = await this.client.send(
      new SignCommand({ KeyId: kmsKeyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    if (!res.Signature) throw new Error(`KMS returned no signature for ${kmsKeyId}`);
    const sig = secp256k1.Signature.fromDER(Buffer.from(res.Signature).toString('hex'));
    const s = sig.s > N / 2n ? N - sig.s : sig.s;
    const out = { r: sig.r.toString(16).padStart(64, '0'), s: s.toString(16).padStart(64, '0') };
    if (!verifies(out.r, out.s, digest.toString('hex'), publicKey))
      throw new Error(`KMS key ${kmsKeyId} signed with a key other than ${publicKey}`);
    return out;
  }

  destroy(): void {
    this.client.destroy();
  }
}
