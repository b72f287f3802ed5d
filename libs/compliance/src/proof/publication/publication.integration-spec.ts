import { AuditLog } from '@strongroom/audit';
import { KmsSigner } from '@strongroom/keys';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import { anchorPayload, verifyProof, verifyRootSignature, verifyUserStatement } from '@strongroom/proof-verifier';
import { describeEachBackend } from '@strongroom/testing';
import { complianceContext } from '../../compliance.context';
import { ledgerOnlyProofs } from '../../testing/ledger-only-proofs';
import type { LiabilitiesService } from '../liabilities.service';
import { PublicationKey } from './publication-key';
import { PublicationService } from './publication.service';
import type { PublicationSigner } from './publication-signer';

const kmsSigner = (kms: KmsSigner, keyId: string): PublicationSigner => ({
  publicKey: async () => (await kms.publicKey(keyId)).compressedHex,
  sign: (digest) => kms.signDigest(keyId, digest),
});

describeEachBackend(
  'proof publication: KMS-signed roots and user statements',
  { contexts: [complianceContext] },
  (ctx) => {
    let kmsLocal: KmsLocalHandle;
    let kms: KmsSigner;
    let keyId: string;
    let publicKey: string;
    let liabilities: LiabilitiesService;
    let snapshotId: string;
    const auditor = { id: 'key-auditor', role: 'auditor' };

    beforeAll(async () => {
      kmsLocal = await startKmsLocal();
      kms = new KmsSigner(kmsLocal.config);
      keyId = await kmsLocal.createSigningKey();
      publicKey = (await kms.publicKey(keyId)).compressedHex;
      const { db } = ctx();
      const proofs = ledgerOnlyProofs(db);
      ({ liabilities } = proofs);
      const { ledger, snapshots } = proofs;
      const custody = await ledger.openAccount({ clientId: 'operator', ownerId: 'btc', asset: 'BTC', kind: 'custody' });
      for (const [user, amount] of [
        ['alice', 150000000n],
        ['bob', 7n],
      ] as const) {
        const acct = await ledger.openAccount({ clientId: 'acme', ownerId: user, asset: 'BTC', kind: 'user' });
        await ledger.transfer({ id: `seed-${user}`, debitAccountId: custody.id, creditAccountId: acct.id, amount });
      }
      snapshotId = (await snapshots.take('auditor:test')).id;
    });
    afterAll(async () => {
      await kmsLocal?.stop();
    });

    const service = (signer: PublicationSigner | null) =>
      new PublicationService(ctx().db, liabilities, new PublicationKey(ctx().db, signer), new AuditLog(ctx().db));

    it('signs the published root once with the KMS key; any user verifies it against the published key', async () => {
      const publication = service(kmsSigner(kms, keyId));
      const doc = await publication.publish(snapshotId, auditor);
      expect(await publication.publish(snapshotId, auditor)).toEqual(doc);
      expect(doc.attestations).toEqual([expect.objectContaining({ type: 'custody-signature', publicKey })]);
      expect(verifyRootSignature(doc, { key: publicKey })).toMatchObject({ outcome: 'valid', signedBy: [publicKey] });
      // The key document users are given is the key that signed.
      expect(await new PublicationKey(ctx().db, null).document()).toMatchObject({ publicKey, version: 1 });
      // The signed document is still the root users check their inclusion proofs against.
      const proof = await liabilities.proof(snapshotId, 'acme', 'alice');
      expect(verifyProof(proof, { userId: 'acme/alice', published: doc })).toMatchObject({ outcome: 'valid' });
      await new AuditLog(ctx().db).flush();
      const audited = await new AuditLog(ctx().db).list({ subjectType: 'snapshot', subjectId: snapshotId });
      expect(audited.map((e) => e.action)).toEqual(['proof_of_liabilities.published', 'proof_of_liabilities.attested']);
    });

    it("signs a user's statement of their balances, which verifies for them alone", async () => {
      const publication = service(kmsSigner(kms, keyId));
      const st = await publication.userStatement(snapshotId, 'acme', 'alice', auditor);
      expect(st).toMatchObject({ userId: 'acme/alice', balances: { BTC: '150000000' }, publicKey });
      const doc = await publication.document(snapshotId);
      expect(verifyUserStatement(st, { userId: 'acme/alice', key: publicKey })).toMatchObject({ outcome: 'valid' });
      expect(verifyUserStatement(st, { userId: 'acme/alice', published: doc })).toMatchObject({ outcome: 'valid' });
      expect(verifyUserStatement(st, { userId: 'acme/bob', key: publicKey })).toMatchObject({ code: 'user_mismatch' });
      const inflated = { ...st, balances: { BTC: '150000001' } };
      expect(verifyUserStatement(inflated, { userId: 'acme/alice', key: publicKey })).toMatchObject({
        code: 'signature_invalid',
      });
      await expect(publication.userStatement(snapshotId, 'acme', 'mallory', auditor)).rejects.toMatchObject({
        code: 'proof.user_not_in_snapshot',
      });
    });

    it('refuses to sign with a key other than the recorded one, and without a key', async () => {
      const other = await kmsLocal.createSigningKey();
      await expect(
        service(kmsSigner(kms, other)).userStatement(snapshotId, 'acme', 'bob', auditor),
      ).rejects.toMatchObject({
        code: 'publication.key_changed',
      });
      await expect(service(null).userStatement(snapshotId, 'acme', 'bob', auditor)).rejects.toMatchObject({
        code: 'publication.unavailable',
      });
      // A signer that answers another key's signatures is caught before anything is handed out.
      const lying: PublicationSigner = { publicKey: async () => publicKey, sign: (d) => kms.signDigest(other, d) };
      await expect(service(lying).userStatement(snapshotId, 'acme', 'bob', auditor)).rejects.toMatchObject({
        code: 'publication.signature_invalid',
      });
    });

    it('records a checked chain anchor beside the signature; a transaction carrying another root is refused', async () => {
      const publication = service(kmsSigner(kms, keyId));
      const doc = await publication.document(snapshotId);
      const relayer = '0x1111111111111111111111111111111111111111';
      const tx = (root: string) => ({
        hash: `0x${root.slice(0, 8)}`,
        from: relayer,
        to: relayer,
        value: '0x0',
        input: anchorPayload(snapshotId, root),
        blockNumber: 12,
        status: 1,
      });
      await expect(
        publication.recordAnchor(snapshotId, { chainId: 31337, relayer, tx: tx('ab'.repeat(32)) }, auditor),
      ).rejects.toMatchObject({ code: 'publication.anchor_invalid' });
      await publication.recordAnchor(snapshotId, { chainId: 31337, relayer, tx: tx(doc.root) }, auditor);
      const anchored = await publication.document(snapshotId);
      expect(anchored.attestations.map((a) => a.type)).toEqual(['custody-signature', 'ethereum-anchor']);
      expect(anchored.attestations[1]).toEqual({
        type: 'ethereum-anchor',
        chainId: 31337,
        relayer,
        txHash: tx(doc.root).hash,
      });
      // The signature still verifies: attestations are outside what the root and its statement cover.
      expect(verifyRootSignature(anchored, { key: publicKey })).toMatchObject({ outcome: 'valid' });
    });
  },
);
