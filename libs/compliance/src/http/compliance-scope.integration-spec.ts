import type { INestApplication } from '@nestjs/common';
import { createApiKey, type ApiCredentials } from '@strongroom/api-auth';
import { describeEachBackend } from '@strongroom/testing';
import { complianceContext } from '../index';
import {
  createAcmeAndBeta,
  createScopedKeys,
  seedAliceAndBob,
  startComplianceApp,
  type ComplianceHttpApp,
  type Json,
} from '../testing/compliance-http-app';

/**
 * A client's own auditor reads only that client's holdings, proofs and segregation report; routes
 * over every client (balances pages, reconciliations, snapshots, proofs of assets) need a key
 * scoped to all clients. Unknown fields are refused on every route, POST /v1/snapshots included.
 */
describeEachBackend('compliance API client scope', { contexts: [complianceContext] }, (ctx) => {
  let app: INestApplication;
  let call: ComplianceHttpApp['call'];
  const keys: Record<'auditorAcme' | 'auditorAll' | 'backendAcme' | 'admin', ApiCredentials> = {} as never;
  let snapshotId: string;

  const snapshotCount = async () =>
    Number((await ctx().db.query<{ n: string }>('SELECT count(*)::text AS n FROM compliance.snapshots'))[0].n);

  beforeAll(async () => {
    const { db } = ctx();
    await createAcmeAndBeta(db);
    Object.assign(keys, await createScopedKeys(db));
    keys.admin = await createApiKey(db, { name: 'admin', role: 'admin' });
    const started = await startComplianceApp(db, 'compliance-scope');
    ({ app, call } = started);
    await seedAliceAndBob(started.ledger);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('takes snapshots only with a key scoped to every client, and refuses unknown fields', async () => {
    const before = await snapshotCount();
    expect(await call(keys.auditorAll, 'POST', '/v1/snapshots', { unknown: 1 })).toMatchObject({
      status: 400,
      body: { code: 'request.invalid' },
    });
    expect(await call(keys.auditorAcme, 'POST', '/v1/snapshots', {})).toMatchObject({
      status: 403,
      body: { code: 'auth.forbidden_client' },
    });
    expect(await snapshotCount()).toBe(before);
    const started = await call(keys.auditorAll, 'POST', '/v1/snapshots', {});
    expect(started.status).toBe(202);
    snapshotId = started.body.id as string;
    for (
      let i = 0;
      i < 100 && (await call(keys.auditorAll, 'GET', `/v1/snapshots/${snapshotId}`)).body.status !== 'complete';
      i++
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await call(keys.auditorAll, 'GET', `/v1/snapshots/${snapshotId}`)).body.status).toBe('complete');
    expect((await call(keys.admin, 'POST', '/v1/snapshots')).status).toBe(202);
    expect(await call(keys.auditorAll, 'GET', '/v1/snapshots?limit=5&extra=1')).toMatchObject({
      status: 400,
      body: { code: 'request.invalid' },
    });
    expect(await call(keys.auditorAll, 'POST', '/v1/reconciliations', { snapshotId, extra: 1 })).toMatchObject({
      status: 400,
      body: { code: 'request.invalid' },
    });
  });

  it("gives a client's auditor that client's holdings, proofs and segregation report only", async () => {
    expect((await call(keys.auditorAll, 'POST', `/v1/snapshots/${snapshotId}/liabilities`)).status).toBe(201);
    const proof = await call(keys.auditorAcme, 'GET', `/v1/snapshots/${snapshotId}/liabilities/proofs/acme/alice`);
    expect([proof.status, proof.body.userId]).toEqual([200, 'acme/alice']);
    const holdings = await call(keys.auditorAcme, 'GET', '/v1/clients/acme/users/alice/holdings');
    expect([holdings.status, (holdings.body.holdings as Json[]).map((h) => h.balance)]).toEqual([200, ['100']]);
    expect(
      (await call(keys.auditorAcme, 'GET', `/v1/clients/acme/segregation?snapshotId=${snapshotId}`)).status,
    ).not.toBe(403);
    for (const [who, path] of [
      [keys.auditorAcme, `/v1/snapshots/${snapshotId}/liabilities/proofs/beta/bob`],
      [keys.auditorAcme, '/v1/clients/beta/users/bob/holdings'],
      [keys.auditorAcme, `/v1/clients/beta/segregation?snapshotId=${snapshotId}`],
      [keys.auditorAcme, '/v1/clients/beta/segregation'],
      [keys.auditorAcme, '/v1/clients/beta/users/bob/holdings?asOf=yesterday'],
      [keys.backendAcme, '/v1/clients/beta/users/bob/holdings'],
      [keys.backendAcme, `/v1/snapshots/${snapshotId}/liabilities/proofs/beta/bob`],
    ] as const) {
      expect([path, (await call(who, 'GET', path)).body.code]).toEqual([path, 'auth.forbidden_client']);
    }
    // What every client may see of a snapshot: its record and its published root.
    expect((await call(keys.auditorAcme, 'GET', `/v1/snapshots/${snapshotId}`)).status).toBe(200);
    expect((await call(keys.auditorAcme, 'GET', `/v1/snapshots/${snapshotId}/liabilities`)).status).toBe(200);
  });

  it('keeps routes over every client to keys scoped to all clients', async () => {
    const refused: [string, string, unknown?][] = [
      ['GET', `/v1/snapshots/${snapshotId}/balances`],
      ['POST', `/v1/snapshots/${snapshotId}/liabilities`],
      ['POST', '/v1/reconciliations', { snapshotId }],
      ['GET', '/v1/reconciliations'],
      ['GET', '/v1/reserve-incidents'],
      ['POST', '/v1/proof-of-assets', { challenge: 'challenge-1' }],
      // The scope answers first, whatever the request holds: no body, unknown fields, a malformed id.
      ['POST', '/v1/proof-of-assets', {}],
      ['POST', '/v1/snapshots/not-a-uuid/liabilities', { unknown: 1 }],
      ['GET', '/v1/reconciliations/not-a-uuid'],
      ['GET', '/v1/reserve-incidents?limit=0'],
    ];
    for (const [method, path, body] of refused) {
      const r = await call(keys.auditorAcme, method, path, body);
      expect([path, r.status, r.body.code]).toEqual([path, 403, 'auth.forbidden_client']);
    }
    const balances = await call(keys.auditorAll, 'GET', `/v1/snapshots/${snapshotId}/balances`);
    expect((balances.body.data as Json[]).map((b) => b.clientId)).toEqual(['acme', 'beta']);
    expect(await call(keys.auditorAll, 'GET', '/v1/reconciliations')).toMatchObject({
      status: 200,
      body: { data: [], nextCursor: null },
    });
    expect(await call(keys.auditorAll, 'GET', '/v1/reserve-incidents')).toMatchObject({
      status: 200,
      body: { data: [], nextCursor: null },
    });
  });

  it('pages every list with opaque cursors: balances in content-hash order, snapshots newest first', async () => {
    const pages = async (path: string): Promise<Json[][]> => {
      const out: Json[][] = [];
      let cursor: string | null = null;
      do {
        const sep = path.includes('?') ? '&' : '?';
        const r = await call(keys.auditorAll, 'GET', `${path}${sep}limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        expect(r.status).toBe(200);
        out.push(r.body.data as Json[]);
        cursor = r.body.nextCursor as string | null;
      } while (cursor !== null && out.length < 10);
      return out;
    };
    const balancePages = await pages(`/v1/snapshots/${snapshotId}/balances`);
    expect(
      balancePages.map((p) => p.map((b) => `${String(b.clientId)}/${String(b.userId)}:${String(b.balance)}`)),
    ).toEqual([['acme/alice:100'], ['beta/bob:200']]);
    const all = (await call(keys.auditorAll, 'GET', '/v1/snapshots')).body.data as Json[];
    const taken = all.map((s) => s.takenAt as string);
    expect(taken).toEqual([...taken].sort().reverse());
    expect((await pages('/v1/snapshots')).map((p) => p.map((s) => s.id))).toEqual(all.map((s) => [s.id]));
    for (const path of ['/v1/snapshots', '/v1/reconciliations', `/v1/snapshots/${snapshotId}/balances`]) {
      const r = await call(keys.auditorAll, 'GET', `${path}?cursor=${Buffer.from('{"x":1}').toString('base64url')}`);
      expect([path, r.status, r.body.code]).toEqual([path, 400, 'request.invalid_cursor']);
    }
  });
});
