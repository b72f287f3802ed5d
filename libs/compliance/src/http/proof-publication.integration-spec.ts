import { Module, type INestApplication } from '@nestjs/common';
import { AuthModule, createApiKey, createClient, signedFetch, type ApiCredentials } from '@strongroom/api-auth';
import { KmsSigner } from '@strongroom/keys';
import { LedgerCutReader, LedgerModule, LedgerService } from '@strongroom/ledger';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import { verifyRootSignature, verifyUserStatement } from '@strongroom/proof-verifier';
import { AssetRegistry } from '@strongroom/shared-assets';
import { DatabaseModule, PlatformModule, startHttpApp } from '@strongroom/shared-http';
import { describeEachBackend } from '@strongroom/testing';
import { ComplianceModule } from '../compliance.module';
import { CustodyHoldings } from '../holdings/custody-holdings';
import { LedgerUnbooked } from '../holdings/unbooked-movements';
import { complianceContext } from '../index';
import { CHAIN_HOLDINGS, CHAIN_TIPS, LEDGER_CUT, PRICE_SOURCE, UNBOOKED } from '../ports';
import { StaticPriceSource } from '../prices/price-source';
import { PUBLICATION_SIGNER, type PublicationSigner } from '../proof/publication/publication-signer';
import { SnapshotService } from '../snapshot/snapshot.service';

type Json = Record<string, unknown>;

/** The publication routes over HTTP: roles, client scope, and documents the verifier accepts. */
describeEachBackend('proof publication API', { contexts: [complianceContext] }, (ctx) => {
  let app: INestApplication;
  let url: string;
  let kmsLocal: KmsLocalHandle;
  let publicKey: string;
  let snapshotId: string;
  const keys: Record<'auditorAcme' | 'auditorAll' | 'backendAcme', ApiCredentials> = {} as never;

  const call = async (who: ApiCredentials, method: string, path: string, body?: unknown) => {
    const res = await signedFetch(url, who, method, path, body);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
  };

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
    const assets = new AssetRegistry();
    for (const id of ['acme', 'beta']) await createClient(db, { id, name: id, custody: 'pooled' });
    keys.auditorAcme = await createApiKey(db, { name: 'acme auditor', role: 'auditor', clients: ['acme'] });
    keys.auditorAll = await createApiKey(db, { name: 'house auditor', role: 'auditor', clients: 'all' });
    keys.backendAcme = await createApiKey(db, { name: 'acme backend', role: 'backend', clients: ['acme'] });
    const ledger = new LedgerService(db, { sweepIntervalMs: 0 });
    const custody = await ledger.openAccount({ clientId: 'operator', ownerId: 'btc', asset: 'BTC', kind: 'custody' });
    const alice = await ledger.openAccount({ clientId: 'acme', ownerId: 'alice', asset: 'BTC', kind: 'user' });
    const bob = await ledger.openAccount({ clientId: 'beta', ownerId: 'bob', asset: 'BTC', kind: 'user' });
    await ledger.createTransfers([
      { id: 'seed-a', debitAccountId: custody.id, creditAccountId: alice.id, amount: 100n },
      { id: 'seed-b', debitAccountId: custody.id, creditAccountId: bob.id, amount: 200n },
    ]);
    const prices = new StaticPriceSource({ quote: 'USD', prices: {} });
    snapshotId = (
      await new SnapshotService(db, new LedgerCutReader(db), { tips: async () => [] }, prices, assets).take('t')
    ).id;
    const ports = [
      { provide: LEDGER_CUT, useValue: new LedgerCutReader(db) },
      { provide: CHAIN_TIPS, useValue: { tips: async () => [] } },
      { provide: PRICE_SOURCE, useValue: prices },
      { provide: CHAIN_HOLDINGS, useValue: new CustodyHoldings(assets, {}) },
      { provide: UNBOOKED, useValue: new LedgerUnbooked(db, assets, ledger, []) },
      { provide: PUBLICATION_SIGNER, useValue: signer },
    ];
    @Module({
      imports: [
        PlatformModule.forApp('proof-publication'),
        DatabaseModule.forInstance(db),
        AuthModule.forRoot(),
        LedgerModule.forRoot({ sweepIntervalMs: 0 }),
        ComplianceModule.register({ ports, assets }),
      ],
    })
    class PublicationApp {}
    ({ app, url } = await startHttpApp(PublicationApp, {
      name: 'proof-publication',
      title: 't',
      description: 't',
      port: 0,
      shutdownHooks: false,
    }));
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
