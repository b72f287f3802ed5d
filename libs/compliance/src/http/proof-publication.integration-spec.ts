import type { INestApplication } from '@nestjs/common';
import type { ApiCredentials } from '@strongroom/api-auth';
import { KmsSigner } from '@strongroom/keys';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import { verifyRootSignature, verifyUserStatement } from '@strongroom/proof-verifier';
import { describeEachBackend } from '@strongroom/testing';
import { complianceContext } from '../index';
import { PUBLICATION_SIGNER, type PublicationSigner } from '../proof/publication/publication-signer';
import {
  createAcmeAndBeta,
  createScopedKeys,
  seedAliceAndBob,
  startComplianceApp,
  type ComplianceHttpApp,
} from '../testing/compliance-http-app';
import { ledgerOnlySnapshots } from '../testing/ledger-only-proofs';

/** The publication routes over HTTP: roles, client scope, and documents the verifier accepts. */
describeEachBackend('proof publication API', { contexts: [complianceContext] }, (ctx) => {
  let app: INestApplication;
  let call: ComplianceHttpApp['call'];
  let kmsLocal: KmsLocalHandle;
  let publicKey: string;
  let snapshotId: string;
  let keys: Record<'auditorAcme' | 'auditorAll' | 'backendAcme', ApiCredentials>;

  beforeAll(async () => {
    const { db } = ctx();
    kmsLocal = await startKmsLocal();
    const kms = new KmsSigner(kmsLocal.config);
    const keyId = await kmsLocal.createSigningKey();
    publicKey = (await kms.publicKey(keyId)).compressedHex;
    const signer: PublicationSigner = {
      publicKey: async () => (await kms.publicKey(keyId)).compressedHex,
      sign: (digest) => kms.signDigest(keyId, digest),
    };
    await createAcmeAndBeta(db);
    keys = await createScopedKeys(db);
    const started = await startComplianceApp(db, 'proof-publication', [
      { provide: PUBLICATION_SIGNER, useValue: signer },
    ]);
    ({ app, call } = started);
    await seedAliceAndBob(started.ledger);
    snapshotId = (await ledgerOnlySnapshots(db).take('t')).id;
  });
  afterAll(async () => {
    await app?.close();
    await kmsLocal?.stop();
  });

  const publication = () => `/v1/snapshots/${snapshotId}/liabilities/publication`;

  it('publishes a signed root with a key scoped to every client; any caller reads it and the key', async () => {
    expect(await call(keys.auditorAcme, 'POST', publication(), {})).toMatchObject({
      status: 403,
      body: { code: 'auth.forbidden_client' },
    });
    expect(await call(keys.backendAcme, 'GET', publication())).toMatchObject({
      status: 404,
      body: { code: 'proof.not_published' },
    });
    expect(await call(keys.auditorAll, 'POST', publication(), { sign: true })).toMatchObject({ status: 400 });
    const published = await call(keys.auditorAll, 'POST', publication(), {});
    expect(published.status).toBe(201);
    const key = await call(keys.backendAcme, 'GET', '/v1/proof-publication/key');
    expect(key).toMatchObject({ status: 200, body: { publicKey, scheme: 'ecdsa-secp256k1-sha256' } });
    const read = await call(keys.backendAcme, 'GET', publication());
    expect(read.body).toEqual(published.body);
    expect(verifyRootSignature(read.body, { key: publicKey })).toMatchObject({ outcome: 'valid' });
  });

  it("hands a user's signed statement to a backend of their client only", async () => {
    const path = (client: string, user: string) =>
      `/v1/snapshots/${snapshotId}/liabilities/statements/${client}/${user}`;
    expect(await call(keys.backendAcme, 'POST', path('beta', 'bob'), {})).toMatchObject({
      status: 403,
      body: { code: 'auth.forbidden_client' },
    });
    expect(await call(keys.backendAcme, 'POST', path('acme', 'nobody'), {})).toMatchObject({
      status: 404,
      body: { code: 'proof.user_not_in_snapshot' },
    });
    const st = await call(keys.backendAcme, 'POST', path('acme', 'alice'), {});
    expect(st).toMatchObject({ status: 201, body: { userId: 'acme/alice', balances: { BTC: '100' } } });
    const doc = (await call(keys.backendAcme, 'GET', publication())).body;
    expect(verifyUserStatement(st.body, { userId: 'acme/alice', published: doc })).toMatchObject({ outcome: 'valid' });
    expect(verifyUserStatement(st.body, { userId: 'acme/alice', key: publicKey })).toMatchObject({ outcome: 'valid' });
  });
});
