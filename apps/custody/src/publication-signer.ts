import type { PublicationSigner } from '@strongroom/compliance';
import { KeyErrors, type KmsKeyAdmin, type KmsSigner } from '@strongroom/keys';

/** The publication key's alias: one key per installation, apart from every wallet key. */
export const PUBLICATION_KEY_ALIAS = 'alias/strongroom/publication';

const notFound = (err: unknown): boolean => (err as { code?: string }).code === KeyErrors['kms.key_not_found'].code;

/**
 * The publication key in KMS (docs/proof-publication.md). With `admin` (the embedded default,
 * where the app may create keys) the key is created on first use under its alias; in production
 * it is created at the key ceremony and a missing key is an error (`kms.key_not_found`).
 * Compliance records the first public key it sees and refuses any other later.
 */
export function kmsPublicationSigner(
  kms: Pick<KmsSigner, 'publicKey' | 'signDigest'>,
  options: { keyId?: string; admin?: Pick<KmsKeyAdmin, 'createSigningKey'> } = {},
): PublicationSigner {
  const keyId = options.keyId ?? PUBLICATION_KEY_ALIAS;
  let ready: Promise<string> | undefined;
  const publicKey = async (): Promise<string> => {
    try {
      return (await kms.publicKey(keyId)).compressedHex;
    } catch (err) {
      if (!notFound(err) || !options.admin || !keyId.startsWith('alias/')) throw err;
      await options.admin
        .createSigningKey({ alias: keyId, description: 'Strongroom proof publication key' })
        // Another process created it between our read and our create: its alias is the key.
        .catch((e: unknown) => (notFound(e) ? Promise.reject(e) : undefined));
      return (await kms.publicKey(keyId, { refresh: true })).compressedHex;
    }
  };
  return {
    publicKey: () => {
      ready ??= publicKey().finally(() => (ready = undefined));
      return ready;
    },
    sign: async (digest) => {
      const sig = await kms.signDigest(keyId, digest);
      return { r: sig.r, s: sig.s };
    },
  };
}
