import type { INestApplication } from '@nestjs/common';
import { AuditLog } from '@strongroom/audit';
import { describeEachBackend } from '@strongroom/testing';
import { createApiKey, revokeApiKey } from '../api-keys';
import { startAuthTestApp } from '../auth-test-app';
import { createClient, findClient } from '../clients/clients';
import { authContext } from '../index';
import type { ApiCredentials } from '../signature';
import { signedFetch } from '../signed-fetch';
import type { ChangeRequestView } from './change-handler';
import { DualControl } from './dual-control.service';

type Json = Record<string, unknown>;

describeEachBackend('dual control over HTTP', { contexts: [authContext] }, (ctx) => {
  let app: INestApplication;
  let url: string;
  let alice: ApiCredentials; // admin, owner alice
  let alice2: ApiCredentials; // a second admin key of the same owner
  let bob: ApiCredentials; // admin, owner bob
  let carol: ApiCredentials; // admin, owner carol
  let backend: ApiCredentials;

  const call = async (who: ApiCredentials, method: string, path: string, body?: unknown) => {
    const res = await signedFetch(url, who, method, path, body);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
  };
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await ctx().db.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, params))[0].n);
  const propose = async (who: ApiCredentials, body: Json) => {
    const r = await call(who, 'POST', '/v1/auth/keys', body);
    expect(r.status).toBe(202);
    return r.body as unknown as ChangeRequestView;
  };
  const newAdmin = (owner: string) => ({ name: `admin ${owner}`, role: 'admin', owner, clients: 'all' });

  beforeAll(async () => {
    const { db } = ctx();
    await createClient(db, { id: 'acme', name: 'Acme', custody: 'pooled' });
    alice = await createApiKey(db, { name: 'alice', role: 'admin', owner: 'alice' });
    alice2 = await createApiKey(db, { name: 'alice laptop', role: 'admin', owner: 'alice' });
    bob = await createApiKey(db, { name: 'bob', role: 'admin', owner: 'bob' });
    carol = await createApiKey(db, { name: 'carol', role: 'admin', owner: 'carol' });
    backend = await createApiKey(db, { name: 'exchange', role: 'backend', owner: 'acme ops', clients: ['acme'] });
    ({ app, url } = await startAuthTestApp(db, { keyRoutes: true }));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('records an admin key as a pending change: nothing is minted until a second admin approves', async () => {
    const before = await count('auth.api_keys');
    const change = await propose(alice, newAdmin('dave'));
    expect(change).toMatchObject({
      kind: 'auth.key',
      status: 'pending',
      api: 'auth-test',
      maker: { keyId: alice.keyId, owner: 'alice' },
      checker: null,
    });
    expect(await count('auth.api_keys')).toBe(before);
    const listed = await call(bob, 'GET', '/v1/changes?status=pending');
    expect((listed.body.data as ChangeRequestView[]).map((c) => c.id)).toContain(change.id);
    expect((await call(backend, 'GET', '/v1/changes')).body.code).toBe('auth.forbidden_role');
  });

  it('refuses the same admin twice, a second key of the same owner, and a revoked checker — each changing nothing', async () => {
    const { db } = ctx();
    const change = await propose(alice, newAdmin('erin'));
    const doomed = await createApiKey(db, { name: 'frank', role: 'admin', owner: 'frank' });
    await revokeApiKey(db, doomed.keyId);
    const before = await count('auth.api_keys');
    const same = await call(alice, 'POST', `/v1/changes/${change.id}/approve`);
    expect([same.status, same.body.code]).toEqual([403, 'change.same_person']);
    const sameOwner = await call(alice2, 'POST', `/v1/changes/${change.id}/approve`);
    expect([sameOwner.status, sameOwner.body.code]).toEqual([403, 'change.same_person']);
    const revoked = await call(doomed, 'POST', `/v1/changes/${change.id}/approve`);
    expect([revoked.status, revoked.body.code]).toEqual([401, 'auth.revoked']);
    // Revoked between the guard and the approval (the service re-reads the checker in its transaction).
    const asRevoked = {
      keyId: doomed.keyId,
      name: 'frank',
      role: 'admin' as const,
      owner: 'frank',
      clients: 'all' as const,
    };
    await expect(app.get(DualControl).approve(change.id, asRevoked)).rejects.toMatchObject({
      code: 'auth.revoked',
      status: 401,
    });
    expect(await count('auth.api_keys')).toBe(before);
    expect((await call(bob, 'GET', `/v1/changes/${change.id}`)).body).toMatchObject({
      status: 'pending',
      checker: null,
    });
  });

  it('executes once when a distinct owner approves: the checker receives the secret, the row and the audit log do not', async () => {
    const { db } = ctx();
    const change = await propose(alice, { name: 'approver gina', role: 'approver', owner: 'gina', clients: ['acme'] });
    const before = await count('auth.api_keys');
    const approved = await call(bob, 'POST', `/v1/changes/${change.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'executed',
      checker: { keyId: bob.keyId, owner: 'bob' },
      result: { role: 'approver', owner: 'gina', clients: ['acme'] },
    });
    const made = approved.body.result as ApiCredentials;
    expect(made.secret).toMatch(/^srs_/);
    expect(await count('auth.api_keys')).toBe(before + 1);
    // The new key works.
    expect((await call(made, 'POST', '/v1/things/approve')).body).toEqual({ approvedBy: made.keyId, role: 'approver' });

    const retried = await call(bob, 'POST', `/v1/changes/${change.id}/approve`);
    expect([retried.status, retried.body.code]).toEqual([409, 'change.not_pending']);
    const byCarol = await call(carol, 'POST', `/v1/changes/${change.id}/approve`);
    expect([byCarol.status, byCarol.body.code]).toEqual([409, 'change.not_pending']);
    expect(await count('auth.api_keys')).toBe(before + 1);

    const stored = await call(carol, 'GET', `/v1/changes/${change.id}`);
    expect(stored.body.result).toMatchObject({ keyId: made.keyId, owner: 'gina' });
    expect(JSON.stringify(stored.body)).not.toContain(made.secret);
    expect(JSON.stringify(await db.query('SELECT * FROM auth.change_requests'))).not.toContain(made.secret);

    const audit = new AuditLog(db);
    await audit.flush();
    const entries = await audit.list({ subjectType: 'change_request', subjectId: change.id });
    expect(entries.map((e) => [e.action, e.actor.id])).toEqual([
      ['change.proposed', alice.keyId],
      ['change.executed', bob.keyId],
    ]);
    expect(entries[1].payload).toMatchObject({
      maker: { keyId: alice.keyId, owner: 'alice' },
      checker: { keyId: bob.keyId, owner: 'bob' },
    });
    const created = await audit.list({ subjectType: 'api_key', subjectId: made.keyId });
    expect(created.map((e) => e.action)).toEqual(['auth.key_created']);
    expect(JSON.stringify([entries, created])).not.toContain(made.secret);
  });

  it('executes once under concurrent approvals by distinct owners', async () => {
    const change = await propose(alice, newAdmin('hank'));
    const before = await count('auth.api_keys');
    const results = await Promise.all(
      [bob, carol, bob, carol, bob].map((who) => call(who, 'POST', `/v1/changes/${change.id}/approve`)),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect(await count('auth.api_keys')).toBe(before + 1);
    expect(await count("auth.api_keys WHERE owner = 'hank'")).toBe(1);
  });

  it('lets any admin reject (the maker withdraws their own), after which nothing can approve it', async () => {
    const change = await propose(alice, newAdmin('ivan'));
    const rejected = await call(alice, 'POST', `/v1/changes/${change.id}/reject`, { reason: 'wrong owner' });
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'wrong owner' });
    expect((await call(bob, 'POST', `/v1/changes/${change.id}/approve`)).body.code).toBe('change.not_pending');
    expect((await call(bob, 'POST', `/v1/changes/${change.id}/reject`, { reason: '' })).body.code).toBe(
      'change.invalid_reason',
    );
    expect(await count("auth.api_keys WHERE owner = 'ivan'")).toBe(0);
  });

  it('refuses a change recorded by another API of the deployment, and unknown or malformed ids', async () => {
    const change = await propose(alice, newAdmin('judy'));
    await ctx().db.query("UPDATE auth.change_requests SET api = 'withdrawal-signer' WHERE id = $1", [change.id]);
    const other = await call(bob, 'POST', `/v1/changes/${change.id}/approve`);
    expect([other.status, other.body.code]).toEqual([409, 'change.other_api']);
    expect(await count("auth.api_keys WHERE owner = 'judy'")).toBe(0);
    for (const id of ['chg_ffffffffffffffffffffffff', 'nope', 'chg_%E2%80%AE']) {
      expect((await call(bob, 'POST', `/v1/changes/${id}/approve`)).body.code).toBe('change.not_found');
      expect((await call(bob, 'GET', `/v1/changes/${id}`)).status).toBe(404);
    }
  });

  it('refuses a checker whose key was revoked after the maker proposed, and a maker revoked since', async () => {
    const { db } = ctx();
    const maker = await createApiKey(db, { name: 'kim', role: 'admin', owner: 'kim' });
    const change = await propose(maker, newAdmin('leo'));
    await revokeApiKey(db, maker.keyId);
    const r = await call(bob, 'POST', `/v1/changes/${change.id}/approve`);
    expect([r.status, r.body.code]).toEqual([409, 'change.maker_revoked']);
    expect(await count("auth.api_keys WHERE owner = 'leo'")).toBe(0);
  });

  it('mints backend and auditor keys with one admin, but only for existing active clients', async () => {
    const ok = await call(alice, 'POST', '/v1/auth/keys', {
      name: 'acme backend 2',
      role: 'backend',
      owner: 'acme ops',
      clients: ['acme'],
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ role: 'backend', owner: 'acme ops', clients: ['acme'] });
    const cases: [Json, number, string][] = [
      [{ name: 'b', role: 'backend', owner: 'o', clients: ['nosuch'] }, 404, 'client.not_found'],
      [{ name: 'b', role: 'backend', owner: 'o', clients: [] }, 400, 'auth.invalid_clients'],
      [{ name: 'b', role: 'backend', owner: 'o', clients: 'all' }, 400, 'auth.invalid_clients'],
      [{ name: 'b', role: 'admin', owner: 'o', clients: ['acme'] }, 400, 'auth.invalid_clients'],
      [{ name: 'b', role: 'backend', owner: 'o', clients: ['ac/me'] }, 400, 'auth.invalid_clients'],
      [{ name: 'b', role: 'auditor', owner: ' ', clients: 'all' }, 400, 'auth.invalid_owner'],
      [{ name: 'b', role: 'backend', clients: ['acme'] }, 400, 'request.invalid'],
      [{ name: 'b', role: 'approver', owner: 'o', clients: ['nosuch'] }, 404, 'client.not_found'],
    ];
    const before = await count('auth.api_keys');
    const changes = await count('auth.change_requests');
    for (const [body, status, code] of cases) {
      const r = await call(alice, 'POST', '/v1/auth/keys', body);
      expect([JSON.stringify(body), r.status, r.body.code]).toEqual([JSON.stringify(body), status, code]);
    }
    await createClient(ctx().db, { id: 'frozen', name: 'Frozen', custody: 'segregated' });
    await ctx().db.query("UPDATE auth.clients SET status = 'suspended' WHERE id = 'frozen'");
    const frozen = await call(alice, 'POST', '/v1/auth/keys', {
      name: 'b',
      role: 'backend',
      owner: 'o',
      clients: ['frozen'],
    });
    expect([frozen.status, frozen.body.code]).toEqual([422, 'client.suspended']);
    expect(await count('auth.api_keys')).toBe(before);
    expect(await count('auth.change_requests')).toBe(changes);
  });

  it('creates and re-segregates clients only through dual control; unknown clients are 404, never a new namespace', async () => {
    const { db } = ctx();
    const proposed = await call(alice, 'POST', '/v1/clients', { id: 'globex', name: 'Globex', custody: 'segregated' });
    expect(proposed.status).toBe(202);
    expect(await findClient(db, 'globex')).toBeUndefined();
    expect((await call(alice, 'POST', `/v1/changes/${proposed.body.id as string}/approve`)).body.code).toBe(
      'change.same_person',
    );
    const done = await call(bob, 'POST', `/v1/changes/${proposed.body.id as string}/approve`);
    expect(done.body).toMatchObject({
      status: 'executed',
      result: { id: 'globex', custody: 'segregated', status: 'active' },
    });
    expect(
      (await call(alice, 'POST', '/v1/clients', { id: 'globex', name: 'again', custody: 'pooled' })).body.code,
    ).toBe('client.exists');
    expect((await call(alice, 'POST', '/v1/clients', { id: 'operator', name: 'x', custody: 'pooled' })).body.code).toBe(
      'client.reserved',
    );

    const patch = await call(carol, 'PATCH', '/v1/clients/globex', { custody: 'pooled', status: 'suspended' });
    expect(patch.status).toBe(202);
    expect((await findClient(db, 'globex'))?.custody).toBe('segregated');
    await call(alice, 'POST', `/v1/changes/${patch.body.id as string}/approve`);
    expect(await findClient(db, 'globex')).toMatchObject({ custody: 'pooled', status: 'suspended' });

    for (const [method, path, body] of [
      ['GET', '/v1/clients/nosuch', undefined],
      ['PATCH', '/v1/clients/nosuch', { status: 'active' }],
      ['GET', '/v1/clients/a%20b', undefined],
    ] as const) {
      const r = await call(alice, method, path, body);
      expect([path, r.status, r.body.code]).toEqual([path, 404, 'client.not_found']);
    }
    expect(await count("auth.change_requests WHERE payload->>'id' = 'nosuch'")).toBe(0);
  });

  it('shows a scoped auditor only its own clients', async () => {
    const { db } = ctx();
    await createClient(db, { id: 'initech', name: 'Initech', custody: 'pooled' });
    const auditor = await createApiKey(db, {
      name: 'acme auditor',
      role: 'auditor',
      owner: 'audit firm',
      clients: ['acme'],
    });
    expect(((await call(auditor, 'GET', '/v1/clients')).body.data as Json[]).map((c) => c.id)).toEqual(['acme']);
    expect((await call(auditor, 'GET', '/v1/clients/acme')).body).toMatchObject({ id: 'acme', name: 'Acme' });
    for (const id of ['initech', 'nosuch']) {
      const r = await call(auditor, 'GET', `/v1/clients/${id}`);
      expect([r.status, r.body.code, r.body.clientId]).toEqual([403, 'auth.forbidden_client', id]);
    }
    expect(((await call(alice, 'GET', '/v1/clients')).body.data as Json[]).map((c) => c.id)).toEqual(
      expect.arrayContaining(['acme', 'initech']),
    );
    expect((await call(backend, 'GET', '/v1/clients')).body.code).toBe('auth.forbidden_role');
  });

  it('pages changes newest first and clients by id, with opaque cursors', async () => {
    const all = async (path: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const r = await call(
          alice,
          'GET',
          `${path}${path.includes('?') ? '&' : '?'}limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect((r.body.data as Json[]).length).toBeLessThanOrEqual(1);
        ids.push(...(r.body.data as Json[]).map((x) => x.id as string));
        cursor = r.body.nextCursor as string | null;
      } while (cursor);
      return ids;
    };
    const changes = await ctx().db.query<{ id: string }>(
      'SELECT id FROM auth.change_requests ORDER BY created_at DESC, id DESC',
    );
    expect(changes.length).toBeGreaterThan(2);
    expect(await all('/v1/changes')).toEqual(changes.map((c) => c.id));
    const pending = await ctx().db.query<{ id: string }>(
      "SELECT id FROM auth.change_requests WHERE status = 'pending' AND kind = 'auth.key' ORDER BY created_at DESC, id DESC",
    );
    expect(await all('/v1/changes?status=pending&kind=auth.key')).toEqual(pending.map((c) => c.id));
    const clients = await ctx().db.query<{ id: string }>('SELECT id FROM auth.clients ORDER BY id');
    expect(await all('/v1/clients')).toEqual(clients.map((c) => c.id));
    expect((await call(alice, 'GET', '/v1/changes?cursor=abc')).body.code).toBe('request.invalid_cursor');
  });

  it('records a change that no longer applies as failed, once', async () => {
    const { db } = ctx();
    const proposed = await call(alice, 'POST', '/v1/clients', { id: 'umbrella', name: 'Umbrella', custody: 'pooled' });
    await createClient(db, { id: 'umbrella', name: 'Umbrella (CLI)', custody: 'segregated' });
    const failed = await call(bob, 'POST', `/v1/changes/${proposed.body.id as string}/approve`);
    expect([failed.status, failed.body.code]).toEqual([409, 'client.exists']);
    expect((await call(bob, 'GET', `/v1/changes/${proposed.body.id as string}`)).body).toMatchObject({
      status: 'failed',
      result: { code: 'client.exists' },
    });
    expect((await call(bob, 'POST', `/v1/changes/${proposed.body.id as string}/approve`)).body.code).toBe(
      'change.not_pending',
    );
    expect((await findClient(db, 'umbrella'))?.name).toBe('Umbrella (CLI)');
  });
});
