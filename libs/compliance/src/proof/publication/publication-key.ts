import type { Database } from '@strongroom/persistence';
import { SIGNATURE_SCHEME, statementDigest, verifyStatementSignature } from '@strongroom/proof-verifier';
import { domainError } from '@strongroom/shared-types';
import { PublicationErrors as E } from './publication.errors';
import type { PublicationSigner } from './publication-signer';

export const PUBLICATION_KEY_FORMAT = 'strongroom-publication-key';

/** What users keep to check statements: the publication key (GET /v1/proof-publication/key). */
export interface PublicationKeyDocument {
  format: typeof PUBLICATION_KEY_FORMAT;
  version: 1;
  scheme: typeof SIGNATURE_SCHEME;
  publicKey: string;
  recordedAt: string;
}

const hex64 = (n: bigint): string => n.toString(16).padStart(64, '0');

/**
 * The recorded publication key and signing with it. The first key KMS reports is recorded; a
 * later different one (an alias re-pointed, a key replaced) is refused rather than silently
 * signing statements users cannot check against the key they were given.
 */
export class PublicationKey {
  constructor(
    private readonly db: Database,
    private readonly signer: PublicationSigner | null,
  ) {}

  /** The recorded key; records the signer's key on first use. */
  async document(): Promise<PublicationKeyDocument> {
    const recorded = await this.recorded();
    if (recorded) return recorded;
    if (!this.signer) throw domainError(E['publication.no_key'], 'no publication key has been recorded yet');
    await this.db.query('INSERT INTO compliance.publication_keys (public_key) VALUES ($1) ON CONFLICT DO NOTHING', [
      (await this.signer.publicKey()).toLowerCase(),
    ]);
    return (await this.recorded()) as PublicationKeyDocument;
  }

  /** Signs the message's digest with the recorded key; checks the signature before answering it. */
  async sign(message: Uint8Array): Promise<{ publicKey: string; r: string; s: string }> {
    if (!this.signer)
      throw domainError(E['publication.unavailable'], 'this app holds no publication key; ask the custody app');
    const { publicKey } = await this.document();
    const current = (await this.signer.publicKey()).toLowerCase();
    if (current !== publicKey)
      throw domainError(
        E['publication.key_changed'],
        `KMS reports publication key ${current.slice(0, 16)}…, the recorded one is ${publicKey.slice(0, 16)}…`,
      );
    const digest = statementDigest(message);
    const sig = await this.signer.sign(digest);
    const out = { publicKey, r: hex64(sig.r), s: hex64(sig.s) };
    if (!verifyStatementSignature(digest, publicKey, out))
      throw domainError(E['publication.signature_invalid'], 'the publication signature does not verify');
    return out;
  }

  private async recorded(): Promise<PublicationKeyDocument | null> {
    const [row] = await this.db.query<{ public_key: string; recorded_at: string }>(
      `SELECT public_key, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at
       FROM compliance.publication_keys ORDER BY recorded_at DESC, public_key LIMIT 1`,
    );
    if (!row) return null;
    return {
      format: PUBLICATION_KEY_FORMAT,
      version: 1,
      scheme: SIGNATURE_SCHEME,
      publicKey: row.public_key,
      recordedAt: row.recorded_at,
    };
  }
}
