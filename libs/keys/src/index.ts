export { KmsSigner, type KmsSignerMetrics } from './kms-signer';
export { KmsKeyAdmin } from './kms-key-admin';
export { type KmsConfig, KMS_DEFAULTS, kmsConfigFromEnv } from './kms-config';
export { KmsKeyError, type KmsError, classifyKmsError } from './kms-errors';
export { type KmsPublicKey, publicKeyFromSpki, publicKeyFromPoint } from './public-key';
export {
  type LowSSignature,
  type EthereumSignature,
  parseDerSignature,
  normaliseSignature,
  bitcoinSignature,
  ethereumSignature,
} from './signature';
export { type HexDigestSignature, hexDigestSignature } from './digest-signature';
export { RateLimiter } from './rate-limiter';
export * from './keys.context';
export * from './keys.errors';
export * from './registry/key-registry';
