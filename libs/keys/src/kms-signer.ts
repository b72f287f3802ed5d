import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { KMS_DEFAULTS, type KmsConfig } from './kms-config';
import { classifyKmsError, exhaustedError, KmsKeyError } from './kms-errors';
import { KeyErrors } from './keys.errors';
import { kmsErrors, kmsRetries, observeKmsCall, type KmsOperation } from './kms-metrics';
import { publicKeyFromSpki, type KmsPublicKey } from './public-key';
import { RateLimiter } from './rate-limiter';
import {
  bitcoinSignature,
  ethereumSignature,
  normaliseSignature,
  parseDerSignature,
  SignatureCheckError,
  type EthereumSignature,
  type LowSSignature,
} from './signature';

/** Counters for metrics and tests (monotonic since construction). */
export interface KmsSignerMetrics {
  /** KMS calls asked for (GetPublicKey + Sign). */
  calls: number;
  /** HTTP attempts made, retries included. */
  attempts: number;
  retries: number;
  throttled: number;
  signatures: number;
  /** Signatures KMS returned with S > n/2 that were normalised. */
  highSNormalised: number;
  failures: number;
}

/**
 * Signs digests with secp256k1 keys held in KMS (AWS or kms-local) through the AWS SDK.
 * KMS returns DER with S as it falls and no recovery id; every signature is normalised to
 * low-S, given its recovery bit and verified against the key's public key before it is returned.
 * Throttling, 5xx and timeouts are retried with full-jitter backoff under a client-side rate
 * limit; key-state and permission failures are domain errors at once (no retry storm).
 */
export class KmsSigner {
  readonly client: KMSClient;
  private readonly limiter: RateLimiter;
  private readonly cache = new Map<string, Promise<KmsPublicKey>>();
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly counters: KmsSignerMetrics = {
    calls: 0,
    attempts: 0,
    retries: 0,
    throttled: 0,
    signatures: 0,
    highSNormalised: 0,
    failures: 0,
  };

  constructor(config: KmsConfig) {
    this.maxAttempts = Math.max(1, config.maxAttempts ?? KMS_DEFAULTS.maxAttempts);
    this.timeoutMs = config.timeoutMs ?? KMS_DEFAULTS.timeoutMs;
    this.retryBaseMs = config.retryBaseMs ?? KMS_DEFAULTS.retryBaseMs;
    this.retryMaxMs = config.retryMaxMs ?? KMS_DEFAULTS.retryMaxMs;
    this.limiter = new RateLimiter(config.requestsPerSecond ?? KMS_DEFAULTS.requestsPerSecond);
    const agent = { keepAlive: true, maxSockets: 64 };
    this.client = new KMSClient({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.credentials ? { credentials: config.credentials } : {}),
      // Retries are ours (below): the SDK's retry quota gives up under sustained throttling,
      // and our attempts must pass through the rate limiter.
      maxAttempts: 1,
      requestHandler: {
        requestTimeout: this.timeoutMs,
        connectionTimeout: this.timeoutMs,
        httpAgent: new HttpAgent(agent),
        httpsAgent: new HttpsAgent(agent),
      },
    });
  }

  get metrics(): KmsSignerMetrics {
    return { ...this.counters };
  }

  /** The key's public key (fetched once per identifier; `refresh` asks KMS again). */
  publicKey(keyId: string, options: { refresh?: boolean } = {}): Promise<KmsPublicKey> {
    const cached = this.cache.get(keyId);
    if (cached && !options.refresh) return cached;
    const fetched = this.fetchPublicKey(keyId);
    this.cache.set(keyId, fetched);
    fetched.catch(() => {
      if (this.cache.get(keyId) === fetched) this.cache.delete(keyId);
    });
    return fetched;
  }

  /** A low-S signature over a 32-byte digest, with its recovery bit, verified locally. */
  async signDigest(keyId: string, digest: Uint8Array): Promise<LowSSignature> {
    if (!(digest instanceof Uint8Array) || digest.length !== 32) {
      throw new KmsKeyError(KeyErrors['kms.invalid_request'], 'a digest to sign must be 32 bytes', { keyId });
    }
    const pub = await this.publicKey(keyId);
    const res = await this.call('Sign', keyId, (abortSignal) =>
      this.client.send(
        new SignCommand({ KeyId: keyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }),
        { abortSignal },
      ),
    );
    if (!res.Signature)
      throw new KmsKeyError(KeyErrors['kms.unavailable'], `KMS returned no signature for ${keyId}`, { keyId });
    try {
      const { r, s } = parseDerSignature(res.Signature);
      const sig = normaliseSignature(r, s, digest, pub.uncompressed);
      this.counters.signatures += 1;
      if (sig.wasHighS) this.counters.highSNormalised += 1;
      return { r: sig.r, s: sig.s, recovery: sig.recovery };
    } catch (err) {
      if (!(err instanceof SignatureCheckError)) throw err;
      this.counters.failures += 1;
      kmsErrors.inc({ operation: 'Sign', code: KeyErrors['kms.signature_invalid'].code });
      // An alias re-pointed at another key, or a faulty KMS: never hand such a signature out.
      throw new KmsKeyError(
        KeyErrors['kms.signature_invalid'],
        `signature from KMS key ${keyId} refused: ${err.message}`,
        { keyId },
      );
    }
  }

  /** DER(low-S) ‖ sighash type (default SIGHASH_ALL), ready for a witness or partialSig. */
  async signBitcoin(keyId: string, digest: Uint8Array, sighashType = 0x01): Promise<Uint8Array> {
    return bitcoinSignature(await this.signDigest(keyId, digest), sighashType);
  }

  /** r, s, v (27/28), yParity and the 65-byte r ‖ s ‖ v, v recovered against the key's address. */
  async signEthereum(keyId: string, digest: Uint8Array): Promise<EthereumSignature> {
    return ethereumSignature(await this.signDigest(keyId, digest));
  }

  /** Closes idle keep-alive sockets. */
  destroy(): void {
    this.client.destroy();
  }

  private async fetchPublicKey(keyId: string): Promise<KmsPublicKey> {
    const res = await this.call('GetPublicKey', keyId, (abortSignal) =>
      this.client.send(new GetPublicKeyCommand({ KeyId: keyId }), { abortSignal }),
    );
    const spec = res.KeySpec ?? res.CustomerMasterKeySpec;
    if (spec !== 'ECC_SECG_P256K1' || res.KeyUsage !== 'SIGN_VERIFY' || !res.PublicKey) {
      throw new KmsKeyError(
        KeyErrors['kms.wrong_key_spec'],
        `KMS key ${keyId} is ${spec ?? 'of unknown spec'}/${res.KeyUsage ?? 'unknown usage'}; Strongroom signs only with ECC_SECG_P256K1 SIGN_VERIFY keys`,
        { keyId },
      );
    }
    try {
      return publicKeyFromSpki(keyId, res.PublicKey, res.KeyId);
    } catch (err) {
      throw new KmsKeyError(KeyErrors['kms.wrong_key_spec'], (err as Error).message, { keyId });
    }
  }

  /**
   * One KMS call with retries: each attempt waits for the rate limiter and has its own deadline;
   * throttling and transient failures back off (full jitter), everything else fails at once.
   */
  private async call<T>(
    operation: KmsOperation,
    keyId: string,
    attempt: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const started = performance.now();
    try {
      const res = await this.attempts(operation, keyId, attempt);
      observeKmsCall(operation, started);
      return res;
    } catch (err) {
      observeKmsCall(operation, started, err);
      throw err;
    }
  }

  private async attempts<T>(
    operation: KmsOperation,
    keyId: string,
    attempt: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    this.counters.calls += 1;
    for (let n = 1; ; n++) {
      await this.limiter.take();
      this.counters.attempts += 1;
      try {
        return await attempt(AbortSignal.timeout(this.timeoutMs));
      } catch (err) {
        const c = classifyKmsError(err, keyId);
        if (c.retry === false) {
          this.counters.failures += 1;
          (c.error.extra as { attempts?: number }).attempts = n;
          throw c.error;
        }
        if (c.retry === 'throttled') this.counters.throttled += 1;
        if (n >= this.maxAttempts) {
          this.counters.failures += 1;
          throw exhaustedError(c.retry, keyId, n, err);
        }
        this.counters.retries += 1;
        kmsRetries.inc({ operation, reason: c.retry });
        await sleep(Math.random() * Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (n - 1)));
      }
    }
  }
}
