import type { INestApplication } from '@nestjs/common';
import { AuditLog } from '@strongroom/audit';
import { describeEachBackend } from '@strongroom/testing';
import { createApiKey, listApiKeys, type ApiKeyInfo } from './api-keys';
import { createClient } from './clients/clients';
import { startAuthTestApp } from './auth-test-app';
import { authContext } from './index';
import { assertAllRoutesGuarded } from './route-guard-check';
import type { ApiCredentials } from './signature';
import { signedFetch } from './signed-fetch';

describeEachBackend('api key management over HTTP', { contexts: [authContext] }, (ctx) => {
  let app: INestApplication;
  let url: string;
  let admin: ApiCredentials;
  let backend: ApiCredentials;

  beforeAll(async () => {
    const { db } = ctx();
    await createClient(db, { id: 'acme', name: 'Acme', custody: 'pooled' });
    admin = await createApiKey(db, { name: 'root', role: 'admin' });
    backend = await createApiKey(db, { name: 'exchange', role: 'backend', clients: ['acme'] });
    // A nonce whose window closed long ago: the new app's guard purges it on its first request.
    await db.query("INSERT INTO auth.nonces (key_id, nonce, expires_at) VALUES ($1, 'long-expired-nonce-01', 1)", [
      backend.keyId,
    ]);
    ({ app, url } = await startAuthTestApp(db, { keyRoutes: true }));
  });
  afterAll(async () => {
    await app?.close();
  });

  const code = async (res: Response): Promise<string> => ((await res.json()) as { code: string }).code;

  it('purges expired nonces by itself, off the request path', async () => {
    expect((await signedFetch(url, backend, 'GET', '/v1/things')).status).toBe(200);
    let left = 1;
    for (let i = 0; i < 200 && left > 0; i++) {
      left = (await ctx().db.query("SELECT 1 FROM auth.nonces WHERE nonce = 'long-expired-nonce-01'")).length;
    }
    expect(left).toBe(0);
  });

  it('guards every route, key management included', () => {
    const routes = assertAllRoutesGuarded(app).filter(
      (r) => r.path.startsWith('/v1/auth/keys') || r.path.startsWith('/v1/changes'),
    );
    expect(routes.map((r) => r.access)).toEqual([
      { kind: 'roles', roles: ['admin'] },
      { kind: 'roles', roles: ['admin'] },
      { kind: 'roles', roles: ['admin'] },
      { kind: 'roles', roles: ['admin'] },
      { kind: 'roles', roles: ['admin'] },
      { kind: 'roles', roles: ['admin'] },
      { kind: 'roles', roles: ['admin'] },
    ]);
  });

  it('lets one admin mint an auditor key that works at once, then revoke it, with both recorded in the audit log', async () => {
    const created = await signedFetch(url, admin, 'POST', '/v1/auth/keys', {
      name: 'auditor bob',
      role: 'auditor',
      owner: 'bob',
      clients: ['acme'],
    });
    expect(created.status).toBe(201);
    const bob = (await created.json()) as ApiCredentials & { role: string; name: string };
    expect(bob).toMatchObject({ name: 'auditor bob', role: 'auditor', owner: 'bob', clients: ['acme'] });
    expect((await signedFetch(url, bob, 'GET', '/v1/reports')).status).toBe(200);

    const listed = (await (await signedFetch(url, admin, 'GET', '/v1/auth/keys')).json()) as { data: ApiKeyInfo[] };
    expect(listed.data.map((k) => k.keyId)).toEqual(expect.arrayContaining([admin.keyId, backend.keyId, bob.keyId]));
    expect(JSON.stringify(listed)).not.toContain(bob.secret);

    const revoked = await signedFetch(url, admin, 'POST', `/v1/auth/keys/${bob.keyId}/revoke`);
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as ApiKeyInfo).revokedAt).not.toBeNull();
    expect(await code(await signedFetch(url, bob, 'GET', '/v1/reports'))).toBe('auth.revoked');

    await new AuditLog(ctx().db).flush();
    const entries = await new AuditLog(ctx().db).list({ subjectType: 'api_key', subjectId: bob.keyId });
    expect(entries.map((e) => [e.action, e.actor.id, e.actor.role])).toEqual([
      ['auth.key_created', admin.keyId, 'admin'],
      ['auth.key_revoked', admin.keyId, 'admin'],
    ]);
    expect(JSON.stringify(entries)).not.toContain(bob.secret);
  });

  it('pages the keys oldest first with opaque cursors, and refuses a cursor it did not give', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const path = `/v1/auth/keys?limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await (await signedFetch(url, admin, 'GET', path)).json()) as {
        data: ApiKeyInfo[];
        nextCursor: string | null;
      };
      expect(page.data.length).toBeLessThanOrEqual(1);
      seen.push(...page.data.map((k) => k.keyId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual((await listApiKeys(ctx().db)).map((k) => k.keyId));
    expect(seen.length).toBeGreaterThan(1);
    for (const bad of ['nonsense', Buffer.from('{"keyId":"x"}').toString('base64url')])
      expect(await code(await signedFetch(url, admin, 'GET', `/v1/auth/keys?cursor=${bad}`))).toBe(
        'request.invalid_cursor',
      );
    expect(await code(await signedFetch(url, admin, 'GET', '/v1/auth/keys?limit=0'))).toBe('request.invalid');
  });

  it('refuses non-admins and bad input, changing nothing', async () => {
    const { db } = ctx();
    const before = (await db.query('SELECT key_id FROM auth.api_keys')).length;
    expect(
      await code(
        await signedFetch(url, backend, 'POST', '/v1/auth/keys', {
          name: 'x',
          role: 'admin',
          owner: 'x',
          clients: 'all',
        }),
      ),
    ).toBe('auth.forbidden_role');
    expect(await code(await signedFetch(url, backend, 'GET', '/v1/auth/keys'))).toBe('auth.forbidden_role');
    expect(
      await code(
        await signedFetch(url, admin, 'POST', '/v1/auth/keys', { name: 'x', role: 'root', owner: 'x', clients: 'all' }),
      ),
    ).toBe('request.invalid');
    expect(
      await code(
        await signedFetch(url, admin, 'POST', '/v1/auth/keys', { name: 'x', role: 'auditor', clients: 'all' }),
      ),
    ).toBe('request.invalid');
    expect(
      await code(
        await signedFetch(url, admin, 'POST', '/v1/auth/keys', {
          name: '',
          role: 'backend',
          owner: 'x',
          clients: ['acme'],
        }),
      ),
    ).toBe('auth.invalid_name');
    expect(await code(await signedFetch(url, admin, 'POST', '/v1/auth/keys/srk_ffffffffffffffffffffffff/revoke'))).toBe(
      'auth.key_not_found',
    );
    expect((await db.query('SELECT key_id FROM auth.api_keys')).length).toBe(before);
  });
});
