import { z } from 'zod';
import { AssetCode, BaseUnits, Timestamp } from '@strongroom/shared-http';

/** The proof publication's answers (docs/proof-publication.md): the key users check against, signed user statements. */
const Hex = z.string().regex(/^[0-9a-f]*$/);
const PublicKey = z
  .string()
  .regex(/^0[23][0-9a-f]{64}$/)
  .meta({ description: 'A compressed secp256k1 public key (33 bytes, hex).' });
const SnapshotTime = z.string().meta({ description: 'When the snapshot was taken, `YYYY-MM-DDTHH:MM:SS.sssZ`.' });

export const PublicationKeyWire = z
  .object({
    format: z.literal('strongroom-publication-key'),
    version: z.literal(1),
    scheme: z.literal('ecdsa-secp256k1-sha256'),
    publicKey: PublicKey,
    recordedAt: Timestamp,
  })
  .meta({
    id: 'PublicationKey',
    description: 'The custody key that signs published roots and user statements: keep it, publish it elsewhere too.',
  });

export const UserStatementWire = z
  .object({
    format: z.literal('strongroom-user-statement'),
    version: z.literal(1),
    snapshotId: z.string(),
    snapshotTime: SnapshotTime,
    root: Hex,
    userId: z.string().meta({ description: 'The id the leaf commits to: `<clientId>/<userId>`.' }),
    assets: z.array(AssetCode),
    balances: z.record(z.string(), BaseUnits).meta({ description: 'Asset code → base units, every listed asset.' }),
    issuedAt: SnapshotTime,
    publicKey: PublicKey,
    signature: z.object({ r: Hex, s: Hex }),
  })
  .meta({
    id: 'UserStatement',
    description:
      'Signed by the publication key; check with `strongroom proof statement <file> --user <id> --key <hex>`.',
  });
