import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { startHttpApp } from '@strongroom/shared-http';
import { describeEachBackend } from '@strongroom/testing';
import {
  createApiKey,
  ensureFirstAdminKey,
  ensureFirstAdminKeys,
  listApiKeys,
  revokeApiKey,
  type Queryable,
} from './api-keys';
import { createClient } from './clients/clients';
import { AuthTestAppModule, effects } from './auth-test-app';
import { authContext } from './index';
import { purgeExpiredNonces } from './nonce-store';
import { assertAllRoutesGuarded } from './route-guard-check';
import { signingKeyOf, signRequest, type ApiCredentials } from './signature';
import { signedFetch } from './signed-fetch';

const WINDOW = 60_000;

interface Problem {
  status: number;
  code: string;
  type: string;
  detail: string;
}

async function problemOf(res: Response): Promise<Problem> {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as Problem;
  expect(body.status).toBe(res.status);
  expect(body.type).toBe(`urn:strongroom:problem:${body.code}`);
  return body;
}

describeEachBackend('api-auth over HTTP', { contexts: [authContext] }, (ctx) => {
  let app: INestApplication;
  let url: string;
  let backend: ApiCredentials;
  let approver: ApiCredentials;
  let admin: ApiCredentials;

  beforeAll(async () => {
    const { db } = ctx();
    await createClient(db, { id: 'acme', name: 'Acme exchange', custody: 'pooled' });
    backend = await createApiKey(db, {
      name: 'exchange backend',
      role: 'backend',
      owner: 'acme ops',
      clients: ['acme'],
    });
    approver = await createApiKey(db, { name: 'alice', role: 'approver' });
    admin = await createApiKey(db, { name: 'root', role: 'admin' });
    ({ app, url } = await startHttpApp(AuthTestAppModule.with(db, { unguarded: true, replayWindowMs: WINDOW }), {
      name: 'auth-test',
      title: 'auth test',
      description: 'auth test',
      port: 0,
    }));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('accepts a valid signed request and hands the handler its principal and query', async () => {
    const res = await signedFetch(url, backend, 'GET', '/v1/things?asset=BTC&limit=2');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      principal: {
        keyId: backend.keyId,
        name: 'exchange backend',
        role: 'backend',
        owner: 'acme ops',
        clients: ['acme'],
      },
      query: { asset: 'BTC', limit: '2' },
    });
  });

  it('signs the query as sent on the wire, percent-encoding included', async () => {
    const res = await signedFetch(url, backend, 'GET', '/v1/things?memo=héllo wörld&x=a%2Fb');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { query: unknown }).query).toEqual({ memo: 'héllo wörld', x: 'a/b' });
  });

  it('accepts a signed JSON body', async () => {
    const res = await signedFetch(url, backend, 'POST', '/v1/things', { amount: '1.5', note: 'héllo ✓' });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ by: backend.keyId, received: { amount: '1.5', note: 'héllo ✓' } });
  });

  it('serves /health without authentication, and a @Public route inside a @Roles controller', async () => {
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(await (await fetch(`${url}/v1/reports/about`)).json()).toEqual({ name: 'reports' });
  });

  it('publishes the roles of each route in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${url}/docs-json`)).json()) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(doc.paths['/v1/things'].get['x-strongroom-roles']).toEqual(['backend']);
    expect(doc.paths['/v1/things/approve'].post['x-strongroom-roles']).toEqual(['approver']);
    expect(doc.paths['/v1/reports'].get['x-strongroom-roles']).toEqual(['auditor']);
    expect(doc.paths['/v1/things'].get.security).toEqual([
      { StrongroomKey: [], StrongroomTimestamp: [], StrongroomNonce: [], StrongroomSignature: [] },
    ]);
  });

  it('refuses a request without signature headers', async () => {
    const res = await fetch(`${url}/v1/things`);
    expect(res.status).toBe(401);
    expect((await problemOf(res)).code).toBe('auth.missing');
  });

  describe('refusals change nothing', () => {
    let before: number;
    beforeEach(() => {
      before = effects.count;
    });
    afterEach(() => {
      expect(effects.count).toBe(before);
    });

    it('refuses a signature made with the wrong secret', async () => {
      const res = await signedFetch(url, { keyId: backend.keyId, secret: approver.secret }, 'POST', '/v1/things', {
        a: 1,
      });
      expect(res.status).toBe(401);
      expect((await problemOf(res)).code).toBe('auth.invalid_credentials');
    });

    it('refuses a tampered body', async () => {
      const headers = signRequest(backend, 'POST', '/v1/things', JSON.stringify({ amount: '1' }));
      const res = await fetch(`${url}/v1/things`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ amount: '1000' }),
      });
      expect(res.status).toBe(401);
      expect((await problemOf(res)).code).toBe('auth.invalid_credentials');
    });

    it('refuses a tampered query string and a tampered method', async () => {
      const headers = signRequest(backend, 'GET', '/v1/things?asset=BTC');
      const res = await fetch(`${url}/v1/things?asset=ETH`, { headers });
      expect((await problemOf(res)).code).toBe('auth.invalid_credentials');
      const asGet = signRequest(backend, 'GET', '/v1/things');
      const posted = await fetch(`${url}/v1/things`, { method: 'POST', headers: asGet });
      expect((await problemOf(posted)).code).toBe('auth.invalid_credentials');
    });

    it('refuses timestamps outside the replay window, past and future', async () => {
      for (const skew of [-(WINDOW + 1000), WINDOW + 1000]) {
        const res = await signedFetch(url, backend, 'POST', '/v1/things', {}, { now: Date.now() + skew });
        expect(res.status).toBe(401);
        expect((await problemOf(res)).code).toBe('auth.stale_timestamp');
      }
      const junk = { ...signRequest(backend, 'GET', '/v1/things'), 'X-Strongroom-Timestamp': '1e12' };
      expect((await problemOf(await fetch(`${url}/v1/things`, { headers: junk }))).code).toBe('auth.stale_timestamp');
    });

    it('refuses an unknown key', async () => {
      const res = await signedFetch(
        url,
        { keyId: 'srk_000000000000000000000000', secret: backend.secret },
        'GET',
        '/v1/things',
      );
      expect(res.status).toBe(401);
      expect((await problemOf(res)).code).toBe('auth.invalid_credentials');
    });

    it('refuses the wrong role with 403, and lets admin through every role check', async () => {
      const res = await signedFetch(url, backend, 'POST', '/v1/things/approve');
      expect(res.status).toBe(403);
      expect((await problemOf(res)).code).toBe('auth.forbidden_role');
      const reports = await signedFetch(url, approver, 'GET', '/v1/reports');
      expect((await problemOf(reports)).code).toBe('auth.forbidden_role');
      expect((await signedFetch(url, admin, 'GET', '/v1/reports')).status).toBe(200);
    });

    it('refuses a route that declares no roles, even for admin', async () => {
      const res = await signedFetch(url, admin, 'GET', '/v1/naked');
      expect(res.status).toBe(500);
      expect((await problemOf(res)).code).toBe('auth.route_unguarded');
    });

    it('refuses a replayed request: the same headers sent twice', async () => {
      const body = JSON.stringify({ amount: '5' });
      const headers = { ...signRequest(backend, 'POST', '/v1/things', body), 'Content-Type': 'application/json' };
      const first = await fetch(`${url}/v1/things`, { method: 'POST', headers, body });
      expect(first.status).toBe(201);
      before += 1;
      const again = await fetch(`${url}/v1/things`, { method: 'POST', headers, body });
      expect(again.status).toBe(401);
      expect((await problemOf(again)).code).toBe('auth.replayed_nonce');
    });

    it('accepts exactly one of many concurrent requests reusing one nonce', async () => {
      const nonce = 'concurrent-nonce-0001';
      const results = await Promise.all(
        Array.from({ length: 20 }, () => signedFetch(url, backend, 'POST', '/v1/things', { n: 1 }, { nonce })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 401)).toHaveLength(19);
      before += 1;
    });

    it('refuses a revoked key, and revoking is idempotent', async () => {
      const { db } = ctx();
      const doomed = await createApiKey(db, { name: 'doomed', role: 'backend', clients: ['acme'] });
      expect((await signedFetch(url, doomed, 'GET', '/v1/things')).status).toBe(200);
      await revokeApiKey(db, doomed.keyId);
      const [first] = (await listApiKeys(db)).filter((k) => k.keyId === doomed.keyId);
      await revokeApiKey(db, doomed.keyId);
      const [second] = (await listApiKeys(db)).filter((k) => k.keyId === doomed.keyId);
      expect(first.revokedAt).not.toBeNull();
      expect(second.revokedAt).toBe(first.revokedAt);
      const res = await signedFetch(url, doomed, 'POST', '/v1/things', {});
      expect(res.status).toBe(401);
      expect((await problemOf(res)).code).toBe('auth.revoked');
    });
  });

  it('answers a signed malformed JSON body with request.malformed_json', async () => {
    const res = await signedFetch(url, backend, 'POST', '/v1/things', '{"amount": ', { raw: true });
    expect(res.status).toBe(400);
    expect((await problemOf(res)).code).toBe('request.malformed_json');
  });

  it('stores no secret: only the derived verification key', async () => {
    const { db } = ctx();
    const rows = await db.query<Record<string, unknown>>('SELECT * FROM auth.api_keys WHERE key_id = $1', [
      backend.keyId,
    ]);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(backend.secret);
    expect(dump).not.toContain(backend.secret.slice(4));
    expect(rows[0].verifier).toBe(signingKeyOf(backend.secret));
    expect(JSON.stringify(await listApiKeys(db))).not.toContain(signingKeyOf(backend.secret));
  });

  it('purges nonces once their window has closed', async () => {
    const { db } = ctx();
    await signedFetch(url, backend, 'GET', '/v1/things');
    const count = async (): Promise<number> =>
      Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM auth.nonces'))[0].n);
    expect(await count()).toBeGreaterThan(0);
    expect(await purgeExpiredNonces(db, Date.now())).toBe(0);
    const purged = await purgeExpiredNonces(db, Date.now() + 3 * WINDOW);
    expect(purged).toBeGreaterThan(0);
    expect(await count()).toBe(0);
  });

  it('creates the first admin keys once, one per owner, and they work', async () => {
    const { db } = ctx();
    // This database already has an admin key: nothing is created.
    expect(await ensureFirstAdminKey(db)).toBeNull();
    await db.query("DELETE FROM auth.nonces WHERE key_id IN (SELECT key_id FROM auth.api_keys WHERE role = 'admin')");
    await db.query("DELETE FROM auth.api_keys WHERE role = 'admin'");
    const results = await Promise.all([ensureFirstAdminKeys(db), ensureFirstAdminKeys(db), ensureFirstAdminKeys(db)]);
    const created = results.filter((r) => r !== null);
    expect(created).toHaveLength(1);
    const pair = created[0] as Array<ApiCredentials & { owner: string }>;
    expect(pair.map((k) => k.owner)).toEqual(['first admin 1', 'first admin 2']);
    for (const k of pair) {
      const res = await signedFetch(url, k, 'POST', '/v1/things/approve');
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({ approvedBy: k.keyId, role: 'admin' });
    }
    expect(await ensureFirstAdminKeys(db)).toBeNull();
    expect(await ensureFirstAdminKey(db)).toBeNull();
  });

  it('creates keys inside a caller transaction too', async () => {
    const { db } = ctx();
    const made = await db.transaction((tx: Queryable) => createApiKey(tx, { name: 'in tx', role: 'auditor' }));
    expect((await signedFetch(url, made, 'GET', '/v1/reports')).status).toBe(200);
  });

  it('refuses invalid key input', async () => {
    const { db } = ctx();
    await expect(createApiKey(db, { name: '  ', role: 'backend', clients: ['acme'] })).rejects.toMatchObject({
      code: 'auth.invalid_name',
    });
    await expect(createApiKey(db, { name: 'x', role: 'root' as never })).rejects.toMatchObject({
      code: 'auth.invalid_role',
    });
    await expect(revokeApiKey(db, 'srk_ffffffffffffffffffffffff')).rejects.toMatchObject({
      code: 'auth.key_not_found',
      status: 404,
    });
  });

  it('enumerates the routes and names the unguarded one', () => {
    expect(() => assertAllRoutesGuarded(app)).toThrow(/GET \/v1\/naked \(NakedController\.naked\)/);
    expect(() => assertAllRoutesGuarded(app)).not.toThrow(/ThingsController|ReportsController|Health/);
  });

  it('passes an app whose routes are all guarded, and lists them with their protection', async () => {
    const guarded = await NestFactory.create(AuthTestAppModule.with(ctx().db), { logger: false });
    try {
      await guarded.init();
      const routes = assertAllRoutesGuarded(guarded).map(
        (r) => `${r.method} ${r.path} ${r.access.kind === 'roles' ? r.access.roles.join('|') : r.access.kind}`,
      );
      expect(routes.sort()).toEqual(
        [
          'GET /health public',
          'GET /health/live public',
          'GET /health/ready public',
          'GET /metrics public',
          'GET /v1/things backend',
          'POST /v1/things backend',
          'POST /v1/things/approve approver',
          'GET /v1/reports auditor',
          'GET /v1/reports/about public',
          'GET /v1/changes admin',
          'GET /v1/changes/:id admin',
          'POST /v1/changes/:id/approve admin',
          'POST /v1/changes/:id/reject admin',
        ].sort(),
      );
    } finally {
      await guarded.close();
    }
  });
});
