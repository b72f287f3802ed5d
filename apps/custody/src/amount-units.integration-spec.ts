import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { createApiKey, createClient, listRoutes, signedFetch, type ApiCredentials } from '@strongroom/api-auth';
import { LedgerService } from '@strongroom/ledger';
import { describeEachBackend } from '@strongroom/testing';
import { ALL_CONTEXTS } from './all-contexts';
import { stateFingerprint } from './testing/bad-input';
import { startThreeApis, unreachableDevChains } from './testing/three-apis';

// One convention on every API (docs/api-conventions.md): amounts are digit strings of base units,
// in requests and answers. Every route the three APIs of the embedded default serve is placed
// below as taking amounts, answering with them, or neither; a new route fails the first test
// until it is placed. A route that takes an amount refuses "0.4" and changes nothing; "40000000"
// withdrawn from a funded user holds exactly 40000000 satoshi.
jest.setTimeout(300_000);

const CLIENT = 'acme';
const DEST = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
const uniq = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;

/** Routes whose body carries an amount: the field a client could get wrong, and a body around it. */
const TAKES: Record<string, { field: string; body: (amount: string) => Record<string, unknown> }> = {
  'POST /v1/transfers': {
    field: 'amount',
    body: (amount) => ({ id: uniq('t'), debitAccountId: 'a', creditAccountId: 'b', amount }),
  },
  'POST /v1/transfers/batch': {
    field: 'transfers[0].amount',
    body: (amount) => ({ transfers: [{ id: uniq('t'), debitAccountId: 'a', creditAccountId: 'b', amount }] }),
  },
  'POST /v1/transfers/:id/post': { field: 'amount', body: (amount) => ({ id: uniq('post'), amount }) },
  'POST /v1/corrections': {
    field: 'amount',
    body: (amount) => ({
      asset: 'BTC',
      amount,
      debit: { kind: 'equity', clientId: 'operator', ownerId: 'corrections' },
      credit: { accountId: '00000000-0000-4000-8000-000000000001' },
      reason: 'units',
    }),
  },
  'POST /v1/withdrawals': {
    field: 'amount',
    body: (amount) => ({ clientId: CLIENT, userId: 'alice', asset: 'BTC', amount, destination: DEST }),
  },
  'PUT /v1/withdrawal-policies/:asset/:clientId': { field: 'maxAmount', body: (maxAmount) => ({ maxAmount }) },
  'PUT /v1/treasury/policies/:asset/:clientId': {
    field: 'rule.target',
    body: (target) => ({ rule: { kind: 'fixed', target, lower: '0', upper: '100' }, leadTimeSeconds: 60 }),
  },
  'POST /v1/dev/bitcoin/send': { field: 'amount', body: (amount) => ({ address: DEST, amount }) },
  'POST /v1/dev/ethereum/send': { field: 'amount', body: (amount) => ({ address: `0x${'11'.repeat(20)}`, amount }) },
};

/** Routes that answer with amounts (or events and changes that carry them); walked below for base units. */
const RETURNS = [
  'GET /v1/accounts',
  'GET /v1/accounts/:id',
  'GET /v1/accounts/:id/balances',
  'GET /v1/transfers/:id',
  'POST /v1/accounts/:id/close',
  'POST /v1/transfers/:id/void',
  'GET /v1/invariants',
  'GET /v1/changes',
  'GET /v1/changes/:id',
  'POST /v1/changes/:id/approve',
  'POST /v1/changes/:id/reject',
  'POST /v1/proof-of-assets',
  'POST /v1/snapshots',
  'GET /v1/snapshots',
  'GET /v1/snapshots/:id',
  'GET /v1/snapshots/:id/balances',
  'POST /v1/snapshots/:id/liabilities',
  'GET /v1/snapshots/:id/liabilities',
  'GET /v1/snapshots/:id/liabilities/proofs/:clientId/:userId',
  'GET /v1/snapshots/:id/liabilities/export',
  'POST /v1/snapshots/:id/liabilities/publication',
  'GET /v1/snapshots/:id/liabilities/publication',
  'POST /v1/snapshots/:id/liabilities/statements/:clientId/:userId',
  'GET /v1/clients/:clientId/users/:userId/holdings',
  'POST /v1/reconciliations',
  'GET /v1/reconciliations',
  'GET /v1/reconciliations/:id',
  'GET /v1/reserve-incidents',
  'GET /v1/clients/:clientId/segregation',
  'GET /v1/deposits',
  'GET /v1/deposits/:id',
  'GET /v1/incidents',
  'GET /v1/webhooks/events',
  'GET /v1/webhooks/deliveries',
  'GET /v1/withdrawals',
  'GET /v1/withdrawals/:id',
  'POST /v1/withdrawals/:id/cancel',
  'GET /v1/approvals',
  'POST /v1/approvals/:id/approve',
  'POST /v1/approvals/:id/reject',
  'GET /v1/withdrawal-policies',
  'GET /v1/withdrawal-policies/changes',
  'GET /v1/sweeps',
  'GET /v1/sweeps/:id',
  'GET /v1/solvency/breakers',
  'GET /v1/solvency/incidents',
  'POST /v1/solvency/:asset/clear',
  'GET /v1/treasury/float',
  'GET /v1/treasury/policies',
  'GET /v1/treasury/rebalances',
  'POST /v1/treasury/rebalances/:id/approve',
];

/** Routes with no amount in or out. */
const NO_AMOUNT = [
  'POST /v1/accounts',
  'POST /v1/auth/keys',
  'GET /v1/auth/keys',
  'POST /v1/auth/keys/:keyId/revoke',
  'POST /v1/clients',
  'GET /v1/clients',
  'GET /v1/clients/:id',
  'PATCH /v1/clients/:id',
  'POST /v1/deposit-addresses',
  'GET /v1/deposit-addresses',
  'GET /v1/custody-wallets',
  'GET /v1/proof-publication/key',
  'POST /v1/webhooks/endpoints',
  'GET /v1/webhooks/endpoints',
  'GET /v1/webhooks/endpoints/:id',
  'PATCH /v1/webhooks/endpoints/:id',
  'DELETE /v1/webhooks/endpoints/:id',
  'POST /v1/webhooks/endpoints/:id/rotate-secret',
  'POST /v1/webhooks/endpoints/:id/test',
  'GET /v1/webhooks/endpoints/:id/deliveries',
  'POST /v1/webhooks/endpoints/:id/events/:eventId/replay',
  'POST /v1/withdrawal-policies/:asset/breaker/reset',
  'POST /v1/dev/bitcoin/mine',
  'POST /v1/dev/ethereum/mine',
  'GET /health',
  'GET /health/live',
  'GET /health/ready',
  'GET /metrics',
];

/** Keys whose string values are amounts; `display` objects are for people and skipped. */
const AMOUNT_KEY =
  /(^amount$|Amount$|^fee$|Fee$|^balance|Balance$|^credits|^debits|Limit$|Threshold$|^liabilities$|^held$|^available$|^shortfall$)/;

/** Every amount-named field of an answer that is not a digit string (with its path). */
function notBaseUnits(value: unknown, at = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => notBaseUnits(v, `${at}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    if (k === 'display') return [];
    const path = `${at}.${k}`;
    if (AMOUNT_KEY.test(k) && (typeof v === 'number' || (typeof v === 'string' && !/^-?[0-9]+$/.test(v))))
      return [`${path} = ${JSON.stringify(v)}`];
    return notBaseUnits(v, path);
  });
}

/** Dev chains that must never be reached: every faucet amount here is refused before them. */
const devChains = unreachableDevChains('dev chain reached by an amount that should have been refused');

describeEachBackend('amounts in base units on every API', { contexts: ALL_CONTEXTS }, (ctx) => {
  const apps: INestApplication[] = [];
  const served = new Map<string, string>();
  const keys = {} as Record<'backend' | 'approver' | 'auditor' | 'admin' | 'admin2', ApiCredentials>;
  let ledger: LedgerService;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const { db } = ctx();
    await createClient(db, { id: CLIENT, name: 'Acme', custody: 'pooled' });
    keys.backend = await createApiKey(db, { name: 'u backend', role: 'backend', owner: 'ops', clients: [CLIENT] });
    keys.approver = await createApiKey(db, { name: 'u approver', role: 'approver', owner: 'approver' });
    keys.auditor = await createApiKey(db, { name: 'u auditor', role: 'auditor', owner: 'audit', clients: 'all' });
    keys.admin = await createApiKey(db, { name: 'u admin', role: 'admin', owner: 'admin one' });
    keys.admin2 = await createApiKey(db, { name: 'u admin 2', role: 'admin', owner: 'admin two' });
    for (const started of await startThreeApis(db, 'units', devChains)) {
      apps.push(started.app);
      for (const route of listRoutes(started.app)) served.set(`${route.method} ${route.path}`, started.url);
    }
    ledger = apps[0].get(LedgerService);
  });
  afterAll(async () => {
    for (const a of apps.reverse()) await a.close();
  });

  const call = async (who: ApiCredentials, route: string, path: string, body?: unknown) => {
    const url = served.get(route);
    if (!url) throw new Error(`${route} is not served`);
    const method = route.split(' ')[0];
    const headers = method === 'GET' ? undefined : { 'Idempotency-Key': randomUUID() };
    const res = await signedFetch(url, who, method, path, body, { headers });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : null) as Record<string, unknown> };
  };
  const whoTakes = (route: string) =>
    route === 'POST /v1/withdrawals' || route.startsWith('POST /v1/transfers') ? keys.backend : keys.admin;
  const pathOf = (route: string) =>
    route.split(' ')[1].replace(':asset', 'BTC').replace(':clientId', CLIENT).replace(':id', 'none');

  /** Credits `amount` satoshi to a user account of the client, as a deposit would. */
  async function fundUser(userId: string, amount: bigint): Promise<string> {
    const custody = await ledger.openAccount({
      clientId: 'operator',
      ownerId: 'units-hot',
      asset: 'BTC',
      kind: 'custody',
    });
    const user = await ledger.openAccount({ clientId: CLIENT, ownerId: userId, asset: 'BTC', kind: 'user' });
    await ledger.transfer({
      id: uniq('dep'),
      debitAccountId: custody.id,
      creditAccountId: user.id,
      amount,
      code: 'deposit',
    });
    return user.id;
  }

  it('places every route the three APIs serve as taking amounts, answering with them, or neither', () => {
    const placed = [...Object.keys(TAKES), ...RETURNS, ...NO_AMOUNT];
    const unplaced = [...served.keys()].filter((r) => !placed.includes(r));
    const gone = placed.filter((r) => !served.has(r));
    expect({ unplaced, gone, twice: placed.length - new Set(placed).size }).toEqual({
      unplaced: [],
      gone: [],
      twice: 0,
    });
  });

  it('refuses an amount with a decimal point (or any non-digit) on every route that takes one, changing nothing', async () => {
    const schemas = ALL_CONTEXTS.map((c) => c.schema);
    const wrong: string[] = [];
    for (const [route, { field, body }] of Object.entries(TAKES)) {
      for (const amount of ['0.4', '1e8', '4,000']) {
        const before = await stateFingerprint(ctx().db, schemas, ['auth.nonces']);
        const r = await call(whoTakes(route), route, pathOf(route), body(amount));
        const got = `${route} ${field}=${amount} → ${r.status} ${String(r.json?.code)}`;
        if (r.status !== 400 || r.json?.code !== 'amount.base_units_expected') wrong.push(got);
        if (JSON.stringify(await stateFingerprint(ctx().db, schemas, ['auth.nonces'])) !== JSON.stringify(before))
          wrong.push(`${got}: changed state`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('reads base units as base units: a policy of 40000000, a withdrawal of "40000000" holds exactly that', async () => {
    const proposed = await call(
      keys.admin,
      'PUT /v1/withdrawal-policies/:asset/:clientId',
      `/v1/withdrawal-policies/BTC/${CLIENT}`,
      {
        maxAmount: '40000000',
        withdrawalFee: '0',
      },
    );
    expect(proposed.status).toBe(202);
    const change = String(proposed.json.id);
    ids.change = change;
    expect((await call(keys.admin2, 'POST /v1/changes/:id/approve', `/v1/changes/${change}/approve`)).status).toBe(200);
    const user = await fundUser('alice', 100_000_000n);
    const over = await call(
      keys.backend,
      'POST /v1/withdrawals',
      '/v1/withdrawals',
      TAKES['POST /v1/withdrawals'].body('40000001'),
    );
    expect([over.status, over.json.code]).toEqual([422, 'policy.max_amount_exceeded']);
    const w = await call(
      keys.backend,
      'POST /v1/withdrawals',
      '/v1/withdrawals',
      TAKES['POST /v1/withdrawals'].body('40000000'),
    );
    expect(w.status).toBe(201);
    expect(w.json).toMatchObject({
      asset: 'BTC',
      amount: '40000000',
      fee: '0',
      display: { amount: '0.4 BTC', fee: '0 BTC' },
    });
    ids.withdrawal = String(w.json.id);
    const balances = await ledger.balances(user);
    expect([balances.debitsPending, balances.creditsPosted - balances.debitsPosted]).toEqual([
      40_000_000n,
      100_000_000n,
    ]);
    // The ledger's own API reads the same digits the same way.
    const [from, to] = [await fundUser('bob', 50n), await fundUser('carol', 1n)];
    const t = await call(keys.backend, 'POST /v1/transfers', '/v1/transfers', {
      id: uniq('t'),
      debitAccountId: from,
      creditAccountId: to,
      amount: '40',
    });
    expect([t.status, notBaseUnits(t.json), (await ledger.balances(to)).creditsPosted]).toEqual([201, [], 41n]);
  });

  it('answers in base units on every route that returns amounts', async () => {
    const snapshot = await call(keys.admin, 'POST /v1/snapshots', '/v1/snapshots', {});
    const fill: Record<string, string> = { clientId: CLIENT, userId: 'alice', asset: 'BTC' };
    const idFor = (route: string): string | undefined => {
      if (route.includes('/withdrawals/') || route.includes('/approvals/')) return ids.withdrawal;
      if (route.includes('/snapshots/')) return String(snapshot.json.id);
      if (route.includes('/changes/')) return ids.change;
      return undefined;
    };
    const wrong: string[] = [];
    let answered = 0;
    for (const route of RETURNS) {
      const path = route
        .split(' ')[1]
        .replace(/:([A-Za-z]+)/g, (_m, name: string) => (name === 'id' ? (idFor(route) ?? 'none') : fill[name]));
      const who = route.startsWith('GET') ? keys.auditor : keys.admin;
      // Publishing a proof takes no body and refuses unknown fields: it is sent none.
      const body = route.startsWith('GET') || route.endsWith('/liabilities') ? undefined : { reason: 'units' };
      const r = await call(who, route, path, body);
      if (r.status < 300) answered++;
      wrong.push(...notBaseUnits(r.json).map((w) => `${route}: ${w}`));
    }
    expect(wrong).toEqual([]);
    // The walk is not vacuous: most of these answer here (the rest need chains or resources this app lacks).
    expect(answered).toBeGreaterThan(20);
    // A field in asset units would be caught.
    expect(notBaseUnits({ items: [{ amount: '0.4', display: { amount: '0.4 BTC' } }] })).toEqual([
      '$.items[0].amount = "0.4"',
    ]);
  });
});
