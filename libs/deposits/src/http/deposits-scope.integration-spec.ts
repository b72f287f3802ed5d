import { Module, type INestApplication } from '@nestjs/common';
import {
  AuthModule,
  createApiKey,
  createClient,
  signedFetch,
  updateClient,
  type ApiCredentials,
} from '@strongroom/api-auth';
import { LedgerModule } from '@strongroom/ledger';
import { DatabaseModule, PlatformModule, startHttpApp } from '@strongroom/shared-http';
import { describeEachBackend } from '@strongroom/testing';
import { depositsContext } from '../deposits.context';
import { FollowerFixture } from '../testing/follower-fixture';
import { CustodyWallets } from '../wallets/custody-wallets';
import { DepositsModule } from './deposits.module';

type Json = Record<string, unknown>;

/**
 * Deposit addresses, deposits and incidents are client-scoped: a key acts for and reads only its
 * clients, an address is issued only to a registered active client, and nothing is written when
 * a request is refused.
 */
describeEachBackend('deposits API client scope', { contexts: [depositsContext] }, (ctx) => {
  let app: INestApplication;
  let url: string;
  let f: FollowerFixture;
  const keys: Record<'acme' | 'beta' | 'both' | 'auditorAcme' | 'auditorAll' | 'admin', ApiCredentials> = {} as never;
  let betaDepositId: string;

  const call = async (
    who: ApiCredentials,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json }> => {
    const res = await signedFetch(url, who, method, path, body);
    return { status: res.status, body: (await res.json()) as Json };
  };
  const addressCount = async () =>
    Number((await ctx().db.query<{ n: string }>('SELECT count(*)::text AS n FROM deposits.addresses'))[0].n);
  const accountCount = async () =>
    Number((await ctx().db.query<{ n: string }>('SELECT count(*)::text AS n FROM ledger.accounts'))[0].n);

  beforeAll(async () => {
    const { db } = ctx();
    f = new FollowerFixture(db);
    await f.registerOperatorWallet();
    for (const id of ['acme', 'beta', 'gone']) await createClient(db, { id, name: id, custody: 'pooled' });
    keys.acme = await createApiKey(db, { name: 'acme backend', role: 'backend', clients: ['acme'] });
    keys.beta = await createApiKey(db, { name: 'beta backend', role: 'backend', clients: ['beta'] });
    keys.both = await createApiKey(db, { name: 'two-client backend', role: 'backend', clients: ['acme', 'beta'] });
    keys.auditorAcme = await createApiKey(db, { name: 'acme auditor', role: 'auditor', clients: ['acme'] });
    keys.auditorAll = await createApiKey(db, { name: 'house auditor', role: 'auditor', clients: 'all' });
    keys.admin = await createApiKey(db, { name: 'admin', role: 'admin' });
    await updateClient(db, 'gone', { status: 'suspended' });

    @Module({
      imports: [
        PlatformModule.forApp('deposits-scope'),
        DatabaseModule.forInstance(db),
        AuthModule.forRoot(),
        LedgerModule.forRoot({ sweepIntervalMs: 0 }),
        DepositsModule.forRoot({ assets: f.assets, adapters: [f.adapter], follow: false }),
      ],
    })
    class ScopeApp {}
    ({ app, url } = await startHttpApp(ScopeApp, {
      name: 'deposits-scope',
      title: 't',
      description: 't',
      port: 0,
      shutdownHooks: false,
    }));

    // One credited deposit for beta, followed on the scripted chain.
    const beta = (
      await call(keys.beta, 'POST', '/v1/deposit-addresses', { clientId: 'beta', userId: 'bob', asset: 'BTC' })
    ).body.address as string;
    const follower = f.follower();
    f.chain.mine([{ txid: 'b'.repeat(64), outputs: [{ address: beta, asset: 'BTC', amount: 700n }] }]);
    f.chain.mineEmpty(3);
    await follower.syncToTip();
    const [deposit] = await f.queries.deposits({ clientId: 'beta' });
    betaDepositId = deposit.id;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('issues addresses only for a client the key is scoped to, and only to registered active clients', async () => {
    const [addresses, accounts] = [await addressCount(), await accountCount()];
    const refused: [ApiCredentials, string, number, string][] = [
      [keys.acme, 'beta', 403, 'auth.forbidden_client'],
      [keys.beta, 'acme', 403, 'auth.forbidden_client'],
      [keys.admin, 'nobody', 404, 'client.not_found'],
      [keys.admin, 'gone', 422, 'client.suspended'],
      [keys.acme, 'operator', 400, 'request.invalid'],
    ];
    for (const [who, clientId, status, code] of refused) {
      const r = await call(who, 'POST', '/v1/deposit-addresses', { clientId, userId: 'alice', asset: 'BTC' });
      expect([clientId, r.status, r.body.code]).toEqual([clientId, status, code]);
    }
    expect([await addressCount(), await accountCount()]).toEqual([addresses, accounts]);
    const ok = await call(keys.both, 'POST', '/v1/deposit-addresses', {
      clientId: 'acme',
      userId: 'alice',
      asset: 'BTC',
    });
    expect([ok.status, ok.body.clientId]).toEqual([201, 'acme']);
    expect(await addressCount()).toBe(addresses + 1);
  });

  it('lists addresses, deposits and incidents of in-scope clients only', async () => {
    expect((await call(keys.acme, 'GET', '/v1/deposit-addresses?clientId=beta')).body.code).toBe(
      'auth.forbidden_client',
    );
    expect((await call(keys.auditorAcme, 'GET', '/v1/deposits?clientId=beta')).body.code).toBe('auth.forbidden_client');
    expect((await call(keys.auditorAcme, 'GET', '/v1/incidents?clientId=beta')).body.code).toBe(
      'auth.forbidden_client',
    );
    expect((await call(keys.auditorAll, 'GET', '/v1/deposits?clientId=nobody')).body.code).toBe('client.not_found');
    // A key scoped to one client reads that client by default; one scoped to several must choose.
    const own = await call(keys.beta, 'GET', '/v1/deposits');
    expect([own.status, (own.body.items as Json[]).map((d) => d.clientId)]).toEqual([200, ['beta']]);
    expect((await call(keys.acme, 'GET', '/v1/deposits')).body.items).toEqual([]);
    expect(await call(keys.both, 'GET', '/v1/deposits')).toMatchObject({
      status: 400,
      body: { code: 'request.invalid' },
    });
    expect((await call(keys.both, 'GET', '/v1/deposits?clientId=beta')).body.items).toHaveLength(1);
    expect((await call(keys.auditorAll, 'GET', '/v1/deposits')).body.items).toHaveLength(1);
    expect((await call(keys.auditorAcme, 'GET', '/v1/incidents')).status).toBe(200);
  });

  it('reads one deposit only for a key scoped to its client', async () => {
    const path = `/v1/deposits/${encodeURIComponent(betaDepositId)}`;
    expect(await call(keys.acme, 'GET', path)).toMatchObject({
      status: 403,
      body: { code: 'auth.forbidden_client', clientId: 'beta' },
    });
    expect(await call(keys.auditorAcme, 'GET', path)).toMatchObject({
      status: 403,
      body: { code: 'auth.forbidden_client' },
    });
    expect(await call(keys.beta, 'GET', path)).toMatchObject({
      status: 200,
      body: { id: betaDepositId, clientId: 'beta', state: 'credited', amount: '700' },
    });
    expect((await call(keys.auditorAll, 'GET', path)).status).toBe(200);
  });

  it("lists custody wallets for a client-scoped auditor without other clients' segregated wallets", async () => {
    const [operator] = (await call(keys.admin, 'GET', '/v1/custody-wallets')).body.items as {
      id: string;
      publicKeys: string[];
    }[];
    await new CustodyWallets(ctx().db).register({
      id: 'bitcoin-beta',
      chain: 'bitcoin',
      clientId: 'beta',
      threshold: 2,
      publicKeys: operator.publicKeys,
    });
    const ids = async (who: ApiCredentials) =>
      ((await call(who, 'GET', '/v1/custody-wallets')).body.items as { id: string }[]).map((w) => w.id).sort();
    expect(await ids(keys.auditorAll)).toEqual(['bitcoin-beta', operator.id].sort());
    expect(await ids(keys.admin)).toEqual(['bitcoin-beta', operator.id].sort());
    expect(await ids(keys.auditorAcme)).toEqual([operator.id]);
  });
});
