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
    expect([own.status, (own.body.data as Json[]).map((d) => d.clientId)]).toEqual([200, ['beta']]);
    expect((await call(keys.acme, 'GET', '/v1/deposits')).body.data).toEqual([]);
    expect(await call(keys.both, 'GET', '/v1/deposits')).toMatchObject({
      status: 400,
      body: { code: 'request.invalid' },
    });
    expect((await call(keys.both, 'GET', '/v1/deposits?clientId=beta')).body.data).toHaveLength(1);
    expect((await call(keys.auditorAll, 'GET', '/v1/deposits')).body.data).toHaveLength(1);
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
    const [operator] = (await call(keys.admin, 'GET', '/v1/custody-wallets')).body.data as {
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
      ((await call(who, 'GET', '/v1/custody-wallets')).body.data as { id: string }[]).map((w) => w.id).sort();
    expect(await ids(keys.auditorAll)).toEqual(['bitcoin-beta', operator.id].sort());
    expect(await ids(keys.admin)).toEqual(['bitcoin-beta', operator.id].sort());
    expect(await ids(keys.auditorAcme)).toEqual([operator.id]);
  });

  it('pages every list as {data, nextCursor} in its documented order, with opaque cursors', async () => {
    const walk = async (who: ApiCredentials, path: string, key: string) => {
      const seen: unknown[] = [];
      for (let cursor: unknown = undefined, pages = 0; pages === 0 || cursor; pages++) {
        const r = await call(who, 'GET', `${path}&limit=2${cursor ? `&cursor=${String(cursor)}` : ''}`);
        expect([r.status, (r.body.data as Json[]).length <= 2]).toEqual([200, true]);
        seen.push(...(r.body.data as Json[]).map((x) => x[key]));
        cursor = r.body.nextCursor;
      }
      return seen;
    };
    for (const user of ['p1', 'p2', 'p3', 'p4'])
      await call(keys.acme, 'POST', '/v1/deposit-addresses', { clientId: 'acme', userId: user, asset: 'BTC' });
    const acme = await ctx().db.query<{ id: string }>(
      "SELECT id::text FROM deposits.addresses WHERE client_id = 'acme' ORDER BY id",
    );
    expect(acme.length).toBeGreaterThan(4);
    expect(await walk(keys.acme, '/v1/deposit-addresses?clientId=acme', 'id')).toEqual(acme.map((a) => a.id));

    const [bob] = (await call(keys.beta, 'GET', '/v1/deposit-addresses?clientId=beta&userId=bob')).body.data as Json[];
    for (const n of [1, 2, 3, 4])
      f.chain.mine([
        { txid: String(n).repeat(64), outputs: [{ address: bob.address as string, asset: 'BTC', amount: 10n }] },
      ]);
    await f.follower().syncToTip();
    const bobs = await f.queries.deposits({ clientId: 'beta' });
    expect(bobs).toHaveLength(5);
    expect(await walk(keys.beta, '/v1/deposits?userId=bob', 'seq')).toEqual(bobs.map((d) => d.seq));
    expect(await walk(keys.admin, '/v1/incidents?clientId=beta', 'id')).toEqual([]);
    expect(await walk(keys.admin, '/v1/custody-wallets?', 'id')).toEqual(['bitcoin-beta', 'bitcoin-operator']);

    // A well-formed cursor past int8 would fail the query's bigint comparison: refused first, never a 5xx.
    const beyondInt8 = Buffer.from(JSON.stringify({ seq: '9999999999999999999' })).toString('base64url');
    for (const path of [
      '/v1/deposits?cursor=xyz',
      '/v1/custody-wallets?cursor=e30',
      '/v1/incidents?cursor=e30',
      `/v1/deposits?cursor=${beyondInt8}`,
      `/v1/deposit-addresses?clientId=acme&cursor=${beyondInt8}`,
      `/v1/incidents?cursor=${beyondInt8}`,
    ])
      expect([path, (await call(keys.admin, 'GET', path)).body.code]).toEqual([path, 'request.invalid_cursor']);
    // The old keyset parameter is not accepted any more: `cursor` replaces it.
    expect((await call(keys.admin, 'GET', '/v1/deposits?after=1')).body.code).toBe('request.invalid');
  });
});
