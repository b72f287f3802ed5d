import type { INestApplication } from '@nestjs/common';
import { createApiKey, createClient, type ApiCredentials } from '@strongroom/api-auth';
import { describeEachBackend } from '@strongroom/testing';
import { FloatService } from '../float/float-service';
import { startTreasuryApp, treasuryRequest } from '../testing/treasury-app';
import { treasuryFixture } from '../testing/treasury-fixture';
import { treasuryContext } from '../treasury.context';

type Json = Record<string, unknown>;
const BTC = 100_000_000n;

describeEachBackend('treasury API', { contexts: [treasuryContext] }, (ctx) => {
  let app: INestApplication;
  let url: string;
  const keys = {} as Record<
    'admin' | 'admin2' | 'alice' | 'alice2' | 'bob' | 'auditorOther' | 'backend',
    ApiCredentials
  >;
  const client = `tc${Math.random().toString(36).slice(2, 8)}`;

  const call = (who: ApiCredentials, method: string, path: string, body?: unknown) =>
    treasuryRequest(url, who, method, path, body);

  beforeAll(async () => {
    const { db } = ctx();
    await createClient(db, { id: client, name: client, custody: 'segregated' });
    await createClient(db, { id: `${client}-other`, name: 'other', custody: 'pooled' });
    keys.admin = await createApiKey(db, { name: 'a1', role: 'admin', owner: 'admin one' });
    keys.admin2 = await createApiKey(db, { name: 'a2', role: 'admin', owner: 'admin two' });
    keys.alice = await createApiKey(db, { name: 'alice', role: 'approver', owner: 'alice', clients: [client] });
    keys.alice2 = await createApiKey(db, { name: 'alice 2', role: 'approver', owner: 'alice', clients: 'all' });
    keys.bob = await createApiKey(db, { name: 'bob', role: 'approver', owner: 'bob', clients: 'all' });
    keys.auditorOther = await createApiKey(db, {
      ...{ name: 'other auditor', role: 'auditor', owner: 'audit' },
      clients: [`${client}-other`],
    });
    keys.backend = await createApiKey(db, { name: 'backend', role: 'backend', owner: 'ops', clients: [client] });
    ({ app, url } = await startTreasuryApp(db));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('a policy by dual control, the float it yields, and a replenishment approved by two people', async () => {
    const t = treasuryFixture(ctx().db);
    const hot = await t.wallet(`hot-${client}`, 'hot', client);
    await t.wallet(`cold-${client}`, 'cold', client);
    await t.deposit(hot.id, client, BTC);
    const path = `/v1/treasury/policies/BTC/${client}`;
    const rule = { kind: 'fixed', target: `${4n * BTC}`, lower: `${2n * BTC}`, upper: `${8n * BTC}` };
    const body = { rule, leadTimeSeconds: 3600 };
    expect(await call(keys.admin, 'PUT', path, { ...body, rule: { ...rule, target: '0.4' } })).toMatchObject({
      status: 400,
      body: { code: 'amount.base_units_expected' },
    });
    expect((await call(keys.admin, 'PUT', '/v1/treasury/policies/BTC/nobody', body)).body.code).toBe(
      'treasury.owner_unknown',
    );
    expect((await call(keys.backend, 'PUT', path, body)).status).toBe(403);
    const proposed = await call(keys.admin, 'PUT', path, body);
    expect(proposed).toMatchObject({ status: 202, body: { kind: 'treasury.policy', status: 'pending' } });
    const approve = `/v1/changes/${String(proposed.body.id)}/approve`;
    expect((await call(keys.admin, 'POST', approve, {})).body.code).toBe('change.same_person');
    expect((await call(keys.admin2, 'POST', approve, {})).status).toBe(200);
    const policies = await call(keys.alice, 'GET', '/v1/treasury/policies');
    expect(policies.body.data).toEqual([expect.objectContaining({ owner: client, rule, approvalsRequired: 2 })]);

    await app.get(FloatService).recompute();
    const float = await call(keys.alice, 'GET', '/v1/treasury/float');
    expect(float.body.data).toEqual([
      expect.objectContaining({ owner: client, balance: `${BTC}`, target: `${4n * BTC}`, outcome: 'below_lower' }),
    ]);
    expect((await call(keys.auditorOther, 'GET', '/v1/treasury/float')).body.data).toEqual([]);

    const open = await call(keys.alice, 'GET', '/v1/treasury/rebalances?status=open&limit=1');
    const [rb] = open.body.data as Json[];
    expect(rb).toMatchObject({ direction: 'cold_to_hot', amount: `${3n * BTC}`, status: 'pending_approval' });
    const approveRb = `/v1/treasury/rebalances/${String(rb.id)}/approve`;
    expect((await call(keys.alice, 'POST', approveRb, {})).body).toMatchObject({ status: 'pending_approval' });
    expect(await call(keys.alice2, 'POST', approveRb, {})).toMatchObject({
      status: 403,
      body: { code: 'rebalance.same_person' },
    });
    expect(await call(keys.bob, 'POST', approveRb, {})).toMatchObject({ status: 200, body: { status: 'approved' } });
    expect((await call(keys.bob, 'POST', '/v1/treasury/rebalances/rb_none/approve', {})).status).toBe(404);
  });

  it('pages rebalances newest first with an opaque cursor', async () => {
    const first = await call(keys.bob, 'GET', '/v1/treasury/rebalances?limit=1');
    expect(first.status).toBe(200);
    expect((first.body.data as Json[]).length).toBe(1);
    const bad = await call(keys.bob, 'GET', '/v1/treasury/rebalances?cursor=bm9wZQ');
    expect(bad).toMatchObject({ status: 400, body: { code: 'request.invalid_cursor' } });
  });
});
