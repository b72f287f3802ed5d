import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  createApiKey,
  createClient,
  listRoutes,
  signedFetch,
  type ApiCredentials,
  type RouteInfo,
} from '@strongroom/api-auth';
import { LedgerService } from '@strongroom/ledger';
import type { Role } from '@strongroom/shared-types';
import { describeEachBackend } from '@strongroom/testing';
import { ALL_CONTEXTS } from './all-contexts';
import { startThreeApis, unreachableDevChains } from './testing/three-apis';

// The route matrix of libs/api-auth/README.md against the routes the embedded default's three APIs
// really serve (enumerated from Nest's router, in this process): every documented route × every
// role × a client in the key's scope ("own") and one outside it ("other"), allowed or refused
// exactly as the table says.
jest.setTimeout(300_000);

type Cell = { kind: 'own' | 'all' | 'wide' | 'dual' } | { kind: 'no'; code: string };
type ClientFrom = 'body' | 'query' | 'path' | 'resource' | '-';
interface Row {
  route: string;
  from: ClientFrom;
  cells: Record<Role, Cell>;
}
const ROLES: Role[] = ['backend', 'approver', 'auditor', 'admin'];
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The table between the route-matrix markers of the api-auth README. */
export function parseRouteMatrix(markdown: string): Row[] {
  const block = /<!-- route-matrix:start -->([\s\S]*?)<!-- route-matrix:end -->/.exec(markdown)?.[1];
  if (!block) throw new Error('no route-matrix block in the README');
  const lines = block
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('|'));
  const cellsOf = (l: string) =>
    l
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim());
  const header = cellsOf(lines[0]);
  expect(header).toEqual(['route', 'client from', ...ROLES]);
  return lines.slice(2).map((l) => {
    const [route, from, ...rest] = cellsOf(l);
    if (!['body', 'query', 'path', 'resource', '-'].includes(from))
      throw new Error(`${route}: bad "client from" ${from}`);
    const cells = Object.fromEntries(
      ROLES.map((role, i) => {
        const v = rest[i];
        if (v === 'own' || v === 'all' || v === 'wide' || v === 'dual') return [role, { kind: v }];
        if (v === 'no') return [role, { kind: 'no', code: 'auth.forbidden_role' }];
        if (v?.startsWith('no:')) return [role, { kind: 'no', code: v.slice(3) }];
        throw new Error(`${route}: bad cell ${String(v)} for ${role}`);
      }),
    ) as Record<Role, Cell>;
    return { route, from: from as ClientFrom, cells };
  });
}

const OWN = 'acme';
const OTHER = 'globex';
const UUID = '00000000-0000-4000-8000-000000000001';
const DEST = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
const uniq = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;

/** Values for path parameters that are not the client and have no fixture. */
const PARAM_DEFAULTS: Record<string, string> = { asset: 'BTC', userId: 'alice', keyId: 'srk_ffffffffffffffffffffffff' };

/** Request bodies (and queries) per route; `client` is own or other. Routes without one send `{}`. */
const SAMPLES: Record<string, (client: string) => { body?: unknown; query?: string }> = {
  // Port 9: nothing listens, so the test apps' dispatcher never reaches the network.
  'POST /v1/webhooks/endpoints': (c) => ({ body: { clientId: c, url: 'http://127.0.0.1:9/hooks' } }),
  'GET /v1/webhooks/endpoints': (c) => ({ query: `clientId=${c}` }),
  'POST /v1/accounts': (c) => ({ body: { clientId: c, ownerId: uniq('u'), asset: 'BTC', kind: 'user' } }),
  'GET /v1/accounts': (c) => ({ query: `clientId=${c}&ownerId=alice` }),
  'POST /v1/deposit-addresses': (c) => ({ body: { clientId: c, userId: uniq('u'), asset: 'BTC' } }),
  'GET /v1/deposit-addresses': (c) => ({ query: `clientId=${c}&userId=alice` }),
  'GET /v1/deposits': (c) => ({ query: `clientId=${c}` }),
  'POST /v1/withdrawals': (c) => ({
    body: { clientId: c, userId: 'alice', asset: 'BTC', amount: '10000000', destination: DEST },
  }),
  'GET /v1/withdrawals': (c) => ({ query: `clientId=${c}` }),
  'POST /v1/auth/keys': () => ({
    body: { name: uniq('matrix'), role: 'approver', owner: uniq('owner'), clients: [OWN] },
  }),
  'POST /v1/clients': () => ({ body: { id: uniq('c'), name: 'matrix client', custody: 'pooled' } }),
  'PATCH /v1/clients/:id': () => ({ body: { status: 'active' } }),
  'POST /v1/changes/:id/reject': () => ({ body: { reason: 'matrix' } }),
  'POST /v1/approvals/:id/reject': () => ({ body: { reason: 'matrix' } }),
  'POST /v1/reconciliations': () => ({ body: { snapshotId: UUID } }),
  'PUT /v1/withdrawal-policies/:asset/:clientId': () => ({
    body: { maxAmount: '100000000', dailyLimit: '100000000', approvalsRequired: 1, withdrawalFee: '0' },
  }),
  'POST /v1/solvency/:asset/clear': () => ({ body: { reason: 'matrix' } }),
  // Invalid on purpose: the dev chains are not running here, so the handler must refuse first.
  'POST /v1/dev/bitcoin/mine': () => ({ body: { blocks: 0 } }),
  'POST /v1/dev/ethereum/mine': () => ({ body: { blocks: 0 } }),
  'POST /v1/dev/bitcoin/send': () => ({ body: { address: 'x', amount: 'not a number' } }),
  'POST /v1/dev/ethereum/send': () => ({ body: { address: 'x', amount: 'not a number' } }),
};

interface Prepared {
  params?: Record<string, string>;
  body?: unknown;
}

/** Dev chains that must never be reached (every sample above is refused before them). */
const devChains = unreachableDevChains('dev chain reached in the route matrix');

describeEachBackend('route matrix of the embedded default', { contexts: ALL_CONTEXTS }, (ctx) => {
  const apps: INestApplication[] = [];
  const served = new Map<string, { url: string; route: RouteInfo }>();
  const keys = {} as Record<Role, ApiCredentials>;
  let wideAuditor: ApiCredentials;
  let ledger: LedgerService;
  let custodyAccount: string;
  const rows = parseRouteMatrix(readFileSync(path.join(__dirname, '../../../libs/api-auth/README.md'), 'utf8'));

  beforeAll(async () => {
    const { db } = ctx();
    await createClient(db, { id: OWN, name: 'Acme', custody: 'pooled' });
    await createClient(db, { id: OTHER, name: 'Globex', custody: 'segregated' });
    keys.backend = await createApiKey(db, {
      name: 'matrix backend',
      role: 'backend',
      owner: 'acme ops',
      clients: [OWN],
    });
    keys.approver = await createApiKey(db, {
      name: 'matrix approver',
      role: 'approver',
      owner: 'acme approver',
      clients: [OWN],
    });
    keys.auditor = await createApiKey(db, {
      name: 'matrix auditor',
      role: 'auditor',
      owner: 'acme auditor',
      clients: [OWN],
    });
    keys.admin = await createApiKey(db, { name: 'matrix admin', role: 'admin', owner: 'ops admin' });
    // Deployment-wide data ('wide' cells) needs a key of every client.
    wideAuditor = await createApiKey(db, {
      name: 'matrix wide auditor',
      role: 'auditor',
      owner: 'audit firm',
      clients: 'all',
    });
    for (const started of await startThreeApis(db, 'matrix', devChains)) {
      apps.push(started.app);
      for (const route of listRoutes(started.app)) {
        if (route.access.kind !== 'public') served.set(`${route.method} ${route.path}`, { url: started.url, route });
      }
    }
    ledger = apps[0].get(LedgerService);
    custodyAccount = (
      await ledger.openAccount({ clientId: 'operator', ownerId: 'matrix-hot', asset: 'BTC', kind: 'custody' })
    ).id;
  });
  afterAll(async () => {
    for (const a of apps.reverse()) await a.close();
  });

  /** A funded user account of the client (chain money, booked in process as deposits do). */
  const funded = async (client: string): Promise<string> => {
    const a = await ledger.openAccount({ clientId: client, ownerId: uniq('m'), asset: 'BTC', kind: 'user' });
    await ledger.transfer({
      id: uniq('dep'),
      debitAccountId: custodyAccount,
      creditAccountId: a.id,
      amount: 1000n,
      code: 'deposit',
    });
    return a.id;
  };
  const pending = async (client: string): Promise<string> => {
    const [from, to] = [await funded(client), await funded(client)];
    return (
      await ledger.transfer({
        id: uniq('p'),
        debitAccountId: from,
        creditAccountId: to,
        amount: 1n,
        flags: ['pending'],
      })
    ).id;
  };

  /** Resources of one client for routes whose client comes from the id they name. */
  const FIXTURES: Record<string, (client: string) => Promise<Prepared>> = {
    'GET /v1/accounts/:id': async (c) => ({ params: { id: await funded(c) } }),
    'GET /v1/accounts/:id/balances': async (c) => ({ params: { id: await funded(c) } }),
    'POST /v1/accounts/:id/close': async (c) => ({
      params: { id: (await ledger.openAccount({ clientId: c, ownerId: uniq('z'), asset: 'BTC', kind: 'user' })).id },
    }),
    'POST /v1/transfers': async (c) => ({
      body: { id: uniq('t'), debitAccountId: await funded(c), creditAccountId: await funded(c), amount: '1' },
    }),
    'POST /v1/transfers/batch': async (c) => ({
      body: {
        transfers: [{ id: uniq('t'), debitAccountId: await funded(c), creditAccountId: await funded(c), amount: '1' }],
      },
    }),
    'GET /v1/transfers/:id': async (c) => {
      const [from, to] = [await funded(c), await funded(c)];
      return {
        params: {
          id: (await ledger.transfer({ id: uniq('t'), debitAccountId: from, creditAccountId: to, amount: 1n })).id,
        },
      };
    },
    'POST /v1/transfers/:id/post': async (c) => ({ params: { id: await pending(c) }, body: { id: uniq('post') } }),
    'POST /v1/transfers/:id/void': async (c) => ({ params: { id: await pending(c) }, body: { id: uniq('void') } }),
  };

  async function send(row: Row, role: Role, client: string, as: ApiCredentials = keys[role]) {
    const { url, route } = served.get(row.route) as { url: string; route: RouteInfo };
    const fixture = row.from === 'resource' ? await FIXTURES[row.route]?.(client) : undefined;
    const sample = SAMPLES[row.route]?.(client) ?? {};
    let p = route.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
      if (fixture?.params?.[name]) return encodeURIComponent(fixture.params[name]);
      if (name === 'clientId' || (name === 'id' && route.path.startsWith('/v1/clients/'))) return client;
      return PARAM_DEFAULTS[name] ?? UUID;
    });
    if (sample.query) p += `?${sample.query}`;
    const body = fixture?.body ?? sample.body ?? (route.method === 'GET' ? undefined : {});
    const headers = WRITES.has(route.method) ? { 'Idempotency-Key': randomUUID() } : undefined;
    const res = await signedFetch(url, as, route.method, p, body, { headers });
    const text = await res.text();
    let code = '';
    let proposal = false;
    try {
      const json = JSON.parse(text) as { code?: unknown; maker?: unknown; kind?: unknown };
      code = String(json.code ?? '');
      // A ChangeRequestView: what a dual-control route answers with.
      proposal = res.status === 202 && typeof json.kind === 'string' && typeof json.maker === 'object';
    } catch {
      // a non-JSON answer has no code
    }
    return { status: res.status, code, proposal, text: text.slice(0, 200), hasFixture: fixture !== undefined };
  }

  it('documents every write route the three APIs serve, and serves every documented route', () => {
    const documented = new Set(rows.map((r) => r.route));
    const undocumentedWrites = [...served.keys()].filter((k) => WRITES.has(k.split(' ')[0]) && !documented.has(k));
    const notServed = rows.map((r) => r.route).filter((k) => !served.has(k));
    expect({ undocumentedWrites, notServed }).toEqual({ undocumentedWrites: [], notServed: [] });
    expect(rows.length).toBe(documented.size);
  });

  it('answers every documented route × role × own/other client as the table says', async () => {
    const wrong: string[] = [];
    const AUTHZ = new Set(['auth.forbidden_role', 'auth.forbidden_client']);
    for (const row of rows.filter((r) => served.has(r.route))) {
      for (const role of ROLES) {
        const cell = row.cells[role];
        for (const [which, client] of [
          ['own', OWN],
          ['other', OTHER],
        ] as const) {
          const r = await send(row, role, client);
          const what = `${row.route} as ${role} for ${which} client → ${r.status} ${r.code || r.text}`;
          const allowed = r.status < 500 && !AUTHZ.has(r.code);
          // Executed directly: a dual-control proposal here would be a change the table does not document.
          const direct = allowed && !r.proposal;
          let ok: boolean;
          if (cell.kind === 'no') ok = r.code === cell.code && r.status >= 400 && r.status < 500;
          else if (cell.kind === 'wide' && role !== 'admin') {
            // The scoped key is refused whatever the client; the same role with every client passes.
            const wide = role === 'auditor' ? await send(row, role, client, wideAuditor) : undefined;
            ok =
              r.status === 403 &&
              r.code === 'auth.forbidden_client' &&
              (!wide || (wide.status < 500 && !AUTHZ.has(wide.code)));
          } else if (cell.kind === 'wide') ok = direct;
          else if (cell.kind === 'dual') ok = allowed && (r.proposal || r.status >= 400);
          else if (cell.kind === 'all' || which === 'own' || row.from === '-')
            ok = direct && (!r.hasFixture || r.status < 400);
          else if (row.from === 'resource') {
            // Another client's resource is refused, or hidden as not found; without a fixture only the role is checked.
            ok = r.hasFixture
              ? (r.status === 403 && r.code === 'auth.forbidden_client') ||
                (r.status === 404 && r.code.endsWith('.not_found'))
              : direct || r.code === 'auth.forbidden_client';
          } else ok = r.status === 403 && r.code === 'auth.forbidden_client';
          if (!ok) wrong.push(`${what}; documented ${cell.kind === 'no' ? `no:${cell.code}` : cell.kind}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
