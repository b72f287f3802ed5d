import type { INestApplication } from '@nestjs/common';
import {
  assertAllRoutesGuarded,
  createApiKey,
  ensureClient,
  signedFetch,
  type ApiCredentials,
} from '@strongroom/api-auth';
import { startHttpApp } from '@strongroom/shared-http';
import { describeEachBackend } from '@strongroom/testing';
import { BitcoinAdapter } from '@strongroom/chains-bitcoin';
import { depositWatcherContexts, DepositWatcherAppModule } from './app.module';
import { registerBtcOperatorWallet } from './testing/operator-wallet';
import { loadWatcherConfig } from './watcher-config';

interface Problem {
  status: number;
  code: string;
}

describeEachBackend('deposit watcher app over HTTP', { contexts: depositWatcherContexts }, (ctx) => {
  let app: INestApplication;
  let url: string;
  let backend: ApiCredentials;
  let auditor: ApiCredentials;
  let admin: ApiCredentials;
  let approver: ApiCredentials;
  // The real adapter: address derivation is pure, and with follow: false its RPC is never called.
  const bitcoin = new BitcoinAdapter({
    network: 'regtest',
    rpcUrl: 'http://127.0.0.1:9/',
    feeRate: { min: 1, max: 100, default: 5 },
  });

  beforeAll(async () => {
    const { db } = ctx();
    await ensureClient(db, { id: 'acme', name: 'Acme', custody: 'pooled' });
    backend = await createApiKey(db, { name: 'exchange', role: 'backend', clients: ['acme'] });
    auditor = await createApiKey(db, { name: 'auditor', role: 'auditor' });
    admin = await createApiKey(db, { name: 'admin', role: 'admin' });
    approver = await createApiKey(db, { name: 'approver', role: 'approver' });
    await registerBtcOperatorWallet(db);
    const config = loadWatcherConfig({});
    ({ app, url } = await startHttpApp(
      DepositWatcherAppModule.forRoot(
        { db },
        { assets: config.assets.withAssets([{ code: 'BTC', confirmations: 1 }]), adapters: [bitcoin], follow: false },
      ),
      { name: 'deposit-watcher-test', title: 't', description: 't', port: 0 },
    ));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('guards every route with a role', () => {
    const routes = assertAllRoutesGuarded(app);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'POST /v1/deposit-addresses',
        'GET /v1/deposits',
        'GET /v1/incidents',
        'GET /v1/webhooks/deliveries',
        'POST /v1/webhooks/endpoints',
        'POST /v1/webhooks/endpoints/:id/events/:eventId/replay',
      ]),
    );
  });

  it('issues one address per (client, user, asset), a new one only when fresh is asked', async () => {
    const body = { clientId: 'acme', userId: 'alice', asset: 'BTC' };
    const first = await signedFetch(url, backend, 'POST', '/v1/deposit-addresses', body);
    expect(first.status).toBe(201);
    const a = (await first.json()) as { address: string; index: number; tag: string };
    expect(a).toMatchObject({ index: 0, tag: 'acme/alice/BTC/0' });
    expect(bitcoin.validateAddress(a.address)).toMatchObject({ ok: true });
    expect(a.address).toMatch(/^bcrt1q/);
    const again = await signedFetch(url, backend, 'POST', '/v1/deposit-addresses', body);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { address: string }).address).toBe(a.address);
    const fresh = await signedFetch(url, backend, 'POST', '/v1/deposit-addresses', { ...body, fresh: true });
    expect(fresh.status).toBe(201);
    const b = (await fresh.json()) as { address: string; index: number };
    expect(b.index).toBe(1);
    expect(b.address).not.toBe(a.address);
    const list = await signedFetch(url, backend, 'GET', '/v1/deposit-addresses?clientId=acme&userId=alice');
    expect(((await list.json()) as { data: { address: string }[] }).data.map((i) => i.address)).toEqual([
      a.address,
      b.address,
    ]);
  });

  it('answers bad input with problem+json and changes nothing', async () => {
    const cases: [unknown, number, string][] = [
      [{ clientId: 'acme', userId: 'alice', asset: 'DOGE' }, 422, 'asset.unknown'],
      [{ clientId: 'acme', userId: 'alice', asset: 'ETH' }, 422, 'chain.not_configured'],
      [{ clientId: 'ac/me', userId: 'alice', asset: 'BTC' }, 400, 'request.invalid'],
      [{ clientId: 'operator', userId: 'alice', asset: 'BTC' }, 400, 'request.invalid'],
      [{ clientId: 'acme', userId: 'alice', asset: 'BTC', extra: 1 }, 400, 'request.invalid'],
      [{ clientId: 'acme', asset: 'BTC' }, 400, 'request.invalid'],
    ];
    for (const [body, status, code] of cases) {
      const res = await signedFetch(url, backend, 'POST', '/v1/deposit-addresses', body);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(((await res.json()) as Problem).code).toBe(code);
    }
    const list = await signedFetch(url, backend, 'GET', '/v1/deposit-addresses?clientId=acme');
    expect(((await list.json()) as { data: unknown[] }).data).toHaveLength(2);
  });

  it('enforces roles: deposits for backend/auditor, incidents for admin/auditor', async () => {
    expect((await signedFetch(url, auditor, 'GET', '/v1/deposits?clientId=acme')).status).toBe(200);
    expect((await signedFetch(url, backend, 'GET', '/v1/deposits?state=credited&limit=5')).status).toBe(200);
    expect((await signedFetch(url, approver, 'GET', '/v1/deposits')).status).toBe(403);
    expect((await signedFetch(url, auditor, 'GET', '/v1/incidents')).status).toBe(200);
    expect((await signedFetch(url, backend, 'GET', '/v1/incidents')).status).toBe(403);
    expect(
      (
        await signedFetch(url, auditor, 'POST', '/v1/deposit-addresses', {
          clientId: 'acme',
          userId: 'x',
          asset: 'BTC',
        })
      ).status,
    ).toBe(403);
    expect((await signedFetch(url, backend, 'GET', '/v1/deposits?state=bogus')).status).toBe(400);
    expect((await fetch(`${url}/v1/deposits`)).status).toBe(401);
    // The outbox holds every client's events: admin only. Endpoints are per client.
    expect((await signedFetch(url, backend, 'GET', '/v1/webhooks/events')).status).toBe(403);
    expect((await signedFetch(url, admin, 'GET', '/v1/webhooks/events')).status).toBe(200);
    const replay = await signedFetch(url, backend, 'POST', '/v1/webhooks/endpoints/whep_x/events/evt_x/replay');
    expect(((await replay.json()) as Problem).code).toBe('webhook.endpoint_not_found');
    const hook = { clientId: 'acme', url: 'http://127.0.0.1:9/hooks' };
    expect((await signedFetch(url, auditor, 'POST', '/v1/webhooks/endpoints', hook)).status).toBe(403);
    expect((await signedFetch(url, backend, 'POST', '/v1/webhooks/endpoints', hook)).status).toBe(201);
  });
});
