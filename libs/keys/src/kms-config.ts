/** How to reach KMS (AWS or kms-local) and how hard to push it. */
export interface KmsConfig {
  /** e.g. `http://127.0.0.1:4599` for kms-local; absent for AWS's regional endpoint. */
  endpoint?: string;
  region: string;
  /** Absent: the AWS SDK's default credential chain (environment, profile, instance role…). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Attempts per KMS call, first one included (default 10). */
  maxAttempts?: number;
  /**
   * Client-side rate limit for all calls of this signer (default 300/s, AWS's default ECC
   * request quota, which is shared per account and region). `Infinity` disables it.
   */
  requestsPerSecond?: number;
  /** Deadline of one attempt in milliseconds (default 5,000). */
  timeoutMs?: number;
  /** First backoff step in milliseconds (default 50); each retry waits a random time up to base·2^attempt. */
  retryBaseMs?: number;
  /** Cap of one backoff wait in milliseconds (default 2,000). */
  retryMaxMs?: number;
}

export const KMS_DEFAULTS = {
  maxAttempts: 10,
  requestsPerSecond: 300,
  timeoutMs: 5_000,
  retryBaseMs: 50,
  retryMaxMs: 2_000,
} as const;

/**
 * KMS configuration from the environment: `KMS_ENDPOINT`, `AWS_REGION` (or `AWS_DEFAULT_REGION`),
 * `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (else the SDK's credential chain),
 * `KMS_MAX_ATTEMPTS`, `KMS_REQUESTS_PER_SECOND`, `KMS_TIMEOUT_MS`.
 */
export function kmsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): KmsConfig {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('AWS_REGION is not set (the KMS region, e.g. eu-west-1; any value for kms-local)');
  const config: KmsConfig = { region };
  if (env.KMS_ENDPOINT) {
    try {
      new URL(env.KMS_ENDPOINT);
    } catch {
      throw new Error(`KMS_ENDPOINT is not a URL: ${env.KMS_ENDPOINT}`);
    }
    config.endpoint = env.KMS_ENDPOINT;
  }
  if (env.AWS_ACCESS_KEY_ID || env.AWS_SECRET_ACCESS_KEY) {
    if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
      throw new Error('set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither');
    }
    config.credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY };
  }
  const num = (name: string, min: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const v = raw === 'Infinity' ? Infinity : Number(raw);
    if (!(v >= min)) throw new Error(`${name} must be a number >= ${min}, not ${raw}`);
    return v;
  };
  const maxAttempts = num('KMS_MAX_ATTEMPTS', 1);
  const rps = num('KMS_REQUESTS_PER_SECOND', 0.001);
  const timeoutMs = num('KMS_TIMEOUT_MS', 1);
  if (maxAttempts !== undefined) config.maxAttempts = Math.floor(maxAttempts);
  if (rps !== undefined) config.requestsPerSecond = rps;
  if (timeoutMs !== undefined) config.timeoutMs = timeoutMs;
  return config;
}
