import { CreateAliasCommand, CreateKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { classifyKmsError, exhaustedError } from './kms-errors';

/**
 * Creating keys (the ceremony). Deliberately separate from signing: an app that signs never
 * needs kms:CreateKey, and its IAM policy should not grant it.
 */
export class KmsKeyAdmin {
  constructor(private readonly client: KMSClient) {}

  /** A new ECC_SECG_P256K1 SIGN_VERIFY key, with an alias if given; returns the key id. */
  async createSigningKey(
    options: { alias?: string; description?: string; tags?: Record<string, string> } = {},
  ): Promise<string> {
    const alias =
      options.alias === undefined
        ? undefined
        : options.alias.startsWith('alias/')
          ? options.alias
          : `alias/${options.alias}`;
    try {
      const res = await this.client.send(
        new CreateKeyCommand({
          KeySpec: 'ECC_SECG_P256K1',
          KeyUsage: 'SIGN_VERIFY',
          Description: options.description ?? 'Strongroom custody key',
          Tags: Object.entries(options.tags ?? {}).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
        }),
      );
      const keyId = res.KeyMetadata?.KeyId;
      if (!keyId) throw new Error('KMS CreateKey returned no KeyId');
      if (alias) await this.client.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyId }));
      return keyId;
    } catch (err) {
      // Not retried: CreateKey is not idempotent, a retry after a lost response would leave an
      // orphan key. The operator sees the failure and runs the ceremony again.
      const c = classifyKmsError(err, alias ?? '(new key)');
      throw c.retry === false ? c.error : exhaustedError(c.retry, alias ?? '(new key)', 1, err);
    }
  }
}
