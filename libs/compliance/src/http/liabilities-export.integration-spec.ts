import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { createApiKey, signedFetch, type ApiCredentials } from '@strongroom/api-auth';
import { auditTree } from '@strongroom/proof-verifier';
import { describeEachBackend } from '@strongroom/testing';
import { complianceContext } from '../index';
import { createAcmeAndBeta, startComplianceApp, type Json } from '../testing/compliance-http-app';

jest.setTimeout(300_000);

type Role = 'auditorAll' | 'auditorAcme' | 'adminAll' | 'backend' | 'approver';

/**
 * GET /v1/snapshots/:id/liabilities/export over HTTP: the export rebuilds, with the standalone
 * auditor, to the root the snapshot published; every client's users are in it, so only auditors
 * and admins with every client get it; a 100k-user snapshot streams whole.
 */
describeEachBackend('liability tree export over HTTP', { contexts: [complianceContext] }, (ctx) => {
  let app: INestApplication;
  let url: string;
  const keys = {} as Record<Role, ApiCredentials>;
  let snapshotId: string;

  const fetchAs = async (who: ApiCredentials, method: string, path: string, body?: unknown) => {
    const res = await signedFetch(url, who, method, path, body);
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      bytes: new Uint8Array(await res.arrayBuffer()),
    };
  };
  const json = (bytes: Uint8Array) => JSON.parse(Buffer.from(bytes).toString('utf8')) as Json;
  const exportPath = (id: string) => `/v1/snapshots/${id}/liabilities/export`;

  beforeAll(async () => {
    const { db } = ctx();
    await createAcmeAndBeta(db);
    keys.auditorAll = await createApiKey(db, { name: 'house auditor', role: 'auditor', clients: 'all' });
    keys.auditorAcme = await createApiKey(db, { name: 'acme auditor', role: 'auditor', clients: ['acme'] });
    keys.adminAll = await createApiKey(db, { name: 'admin', role: 'admin' });
    keys.backend = await createApiKey(db, { name: 'backend', role: 'backend', clients: ['acme', 'beta'] });
    keys.approver = await createApiKey(db, { name: 'approver', role: 'approver' });
    const started = await startComplianceApp(db, 'liabilities-export');
    ({ app, url } = started);
    const { ledger } = started;
    const custody = {
      BTC: await ledger.openAccount({ clientId: 'operator', ownerId: 'btc', asset: 'BTC', kind: 'custody' }),
      ETH: await ledger.openAccount({ clientId: 'operator', ownerId: 'eth', asset: 'ETH', kind: 'custody' }),
    };
    for (const [client, user, asset, amount] of [
      ['acme', 'alice', 'BTC', 100n],
      ['acme', 'alice', 'ETH', 10n ** 18n],
      ['acme', 'carol', 'BTC', 7n],
      ['beta', 'bob', 'ETH', 5n],
    ] as const) {
      const acct = await ledger.openAccount({ clientId: client, ownerId: user, asset, kind: 'user' });
      await ledger.transfer({
        id: `seed-${client}-${user}-${asset}`,
        debitAccountId: custody[asset].id,
        creditAccountId: acct.id,
        amount,
      });
    }
    snapshotId = await takeSnapshot();
  });
  afterAll(async () => {
    await app?.close();
  });

  async function takeSnapshot(): Promise<string> {
    const started = await fetchAs(keys.auditorAll, 'POST', '/v1/snapshots');
    expect(started.status).toBe(202);
    const id = String(json(started.bytes).id);
    for (let i = 0; i < 200; i++) {
      if (json((await fetchAs(keys.auditorAll, 'GET', `/v1/snapshots/${id}`)).bytes).status === 'complete') return id;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`snapshot ${id} did not complete`);
  }

  it('answers 404 for an unknown snapshot and for one without a published root, 400 for a malformed id', async () => {
    const cases: [string, number, string][] = [
      [exportPath(randomUUID()), 404, 'snapshot.not_found'],
      [exportPath(snapshotId), 404, 'proof.not_published'],
      [exportPath('not-a-uuid'), 400, 'request.invalid'],
    ];
    for (const [path, status, code] of cases) {
      const r = await fetchAs(keys.auditorAll, 'GET', path);
      expect([path, r.status, json(r.bytes).code, r.type]).toEqual([
        path,
        status,
        code,
        expect.stringContaining('application/problem+json'),
      ]);
    }
  });

  it('exports a tree the standalone auditor rebuilds to the published root, naming no user', async () => {
    const published = await fetchAs(keys.auditorAll, 'POST', `/v1/snapshots/${snapshotId}/liabilities`);
    expect(published.status).toBe(201);
    const root = json(published.bytes) as { root: string; totals: Record<string, string> };
    const got = await fetchAs(keys.auditorAll, 'GET', exportPath(snapshotId));
    expect([got.status, got.type]).toEqual([200, expect.stringContaining('application/json')]);
    const result = auditTree(got.bytes, { expectedRoot: root.root });
    expect(result).toMatchObject({ outcome: 'valid', root: root.root, leafCount: 3, totals: root.totals, snapshotId });
    // The export carries the published document as GET …/liabilities answers it.
    const served = await fetchAs(keys.auditorAll, 'GET', `/v1/snapshots/${snapshotId}/liabilities`);
    expect(json(got.bytes).published).toEqual(json(served.bytes));
    const text = Buffer.from(got.bytes).toString('utf8');
    for (const name of ['alice', 'bob', 'carol', 'acme', 'beta']) expect(text).not.toContain(name);
    // The three saved answers audit offline: the holdings are the reconciliation's answer. This app
    // reads no chain, so the reconciliation has no line for either asset: each counts as held 0,
    // a shortfall, never as covered.
    const rec = await fetchAs(keys.auditorAll, 'POST', '/v1/reconciliations', { snapshotId });
    expect(rec.status).toBe(201);
    expect(auditTree(got.bytes, { published: served.bytes, holdings: rec.bytes })).toMatchObject({
      outcome: 'valid',
      checkedAgainst: ['published document'],
      solvency: {
        reconciliationId: json(rec.bytes).id,
        solvent: false,
        lines: [
          { asset: 'BTC', assets: '0', liabilities: '107', margin: '-107', solvent: false, reported: false },
          { asset: 'ETH', assets: '0', liabilities: String(10n ** 18n + 5n), solvent: false, reported: false },
        ],
      },
    });
    // An admin gets the same bytes.
    expect(await fetchAs(keys.adminAll, 'GET', exportPath(snapshotId))).toMatchObject({
      status: 200,
      bytes: got.bytes,
    });
  });

  it('refuses other roles (403 auth.forbidden_role) and a key scoped to some clients (403 auth.forbidden_client)', async () => {
    const cases: [Role, string][] = [
      ['backend', 'auth.forbidden_role'],
      ['approver', 'auth.forbidden_role'],
      ['auditorAcme', 'auth.forbidden_client'],
    ];
    for (const [role, code] of cases) {
      const r = await fetchAs(keys[role], 'GET', exportPath(snapshotId));
      expect([role, r.status, json(r.bytes).code]).toEqual([role, 403, code]);
    }
    // The scope answers first, whatever the path holds.
    const malformed = await fetchAs(keys.auditorAcme, 'GET', exportPath('not-a-uuid'));
    expect([malformed.status, json(malformed.bytes).code]).toEqual([403, 'auth.forbidden_client']);
  });

  it('streams the export of a 100k-user snapshot whole', async () => {
    const { db } = ctx();
    const big = randomUUID();
    const users = 100_000;
    // Written directly: the ledger would take minutes to hold 100k users; the rows are what a
    // snapshot of them holds, and the snapshot is then immutable like any other.
    await db.query(
      `INSERT INTO compliance.snapshots (id, status, sequence, taken_at, chain_tips, prices, requested_by)
       VALUES ($1, 'running', 0, now(), '[]', '{"quote":"USD","prices":{},"source":"t","fetchedAt":"2026-12-04T00:00:00.000Z"}', 'test')`,
      [big],
    );
    await db.query(
      `INSERT INTO compliance.snapshot_balances (snapshot_id, client_id, user_id, asset, balance)
       SELECT $1, 'acme', 'user-' || lpad(i::text, 6, '0'), 'BTC', (i * 3 + 1)::numeric FROM generate_series(1, $2::int) i`,
      [big, users],
    );
    const total = (BigInt(users) * BigInt(users + 1) * 3n) / 2n + BigInt(users);
    await db.query(
      `UPDATE compliance.snapshots SET status = 'complete', completed_at = now(), user_count = $2, totals = $3 WHERE id = $1`,
      [big, users, JSON.stringify([{ asset: 'BTC', balance: total.toString(), value: null, users }])],
    );
    // PGlite ran those statements on this thread: let the keep-alive timers that expired meanwhile
    // close their idle sockets before the next request, so it does not reuse one being closed.
    await new Promise((r) => setTimeout(r, 100));
    const published = await fetchAs(keys.auditorAll, 'POST', `/v1/snapshots/${big}/liabilities`);
    expect(published.status).toBe(201);
    const root = json(published.bytes) as { root: string };
    const got = await fetchAs(keys.auditorAll, 'GET', exportPath(big));
    expect(got.status).toBe(200);
    expect(auditTree(got.bytes, { expectedRoot: root.root })).toMatchObject({
      outcome: 'valid',
      leafCount: users,
      depth: 17,
      totals: { BTC: total.toString() },
    });
  });
});
