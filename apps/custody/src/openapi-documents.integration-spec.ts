import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { API_INFO, type ApiName } from '@strongroom/shared-http';
import { openTestDatabase, type TestDatabase } from '@strongroom/testing';
import { ALL_CONTEXTS } from './all-contexts';
import { startThreeApis, unreachableDevChains } from './testing/three-apis';

// The OpenAPI 3.1 documents the three APIs serve: complete (every operation with its schemas, none
// without a contract), every listed operation really served, and equal to the committed copies in
// docs/openapi/ that Redocly and Spectral lint and the SDK's types are generated from.
// `npm run docs:openapi` rewrites the copies.
jest.setTimeout(180_000);

type Operation = {
  operationId?: string;
  summary?: string;
  tags?: string[];
  requestBody?: unknown;
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  'x-strongroom-undocumented'?: boolean;
};
type Document = { openapi: string; servers: { url: string }[]; paths: Record<string, Record<string, Operation>> };

const NAMES: ApiName[] = ['ledger', 'deposits', 'withdrawals'];
/** Where the embedded default serves each API: the committed documents name these servers. */
const DEFAULT_SERVERS: Record<ApiName, string> = {
  ledger: 'http://127.0.0.1:7001',
  deposits: 'http://127.0.0.1:7002',
  withdrawals: 'http://127.0.0.1:7003',
};
const committedPath = (name: ApiName) => path.join(__dirname, '../../../docs/openapi', `${name}.json`);
const WRITES = new Set(['post', 'put', 'patch']);

function operations(doc: Document): { method: string; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([p, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method, path: p, op })),
  );
}

/** What each operation lacks for a client to be generated from it. */
function gaps(doc: Document): string[] {
  const out: string[] = [];
  const ids = new Set<string>();
  for (const { method, path: p, op } of operations(doc)) {
    const at = `${method.toUpperCase()} ${p}`;
    if (op['x-strongroom-undocumented']) out.push(`${at}: no contract`);
    if (!op.operationId || ids.has(op.operationId)) out.push(`${at}: operationId missing or repeated`);
    ids.add(op.operationId ?? '');
    if (!op.summary) out.push(`${at}: no summary`);
    if (!op.tags?.length) out.push(`${at}: no tag`);
    if (WRITES.has(method) && !op.requestBody) out.push(`${at}: no request body schema`);
    const success = Object.entries(op.responses ?? {}).filter(([s]) => s.startsWith('2'));
    if (success.length === 0) out.push(`${at}: no success response`);
    for (const [status, r] of success)
      if (status !== '204' && !Object.values(r.content ?? {})[0]?.schema) out.push(`${at}: ${status} has no schema`);
  }
  return out;
}

describe('OpenAPI documents of the three APIs', () => {
  let database: TestDatabase;
  const apps: INestApplication[] = [];
  const docs = new Map<ApiName, Document>();
  const urls = new Map<ApiName, string>();
  let devDeposits: Document;

  beforeAll(async () => {
    database = await openTestDatabase('pglite', { contexts: ALL_CONTEXTS });
    const started = await startThreeApis(database.db, 'openapi');
    for (const [i, s] of started.entries()) {
      apps.push(s.app);
      urls.set(NAMES[i], s.url);
      docs.set(NAMES[i], (await (await fetch(`${s.url}/docs-json`)).json()) as Document);
    }
    // The embedded default's deposits API also serves the dev faucet and miner.
    const dev = await startThreeApis(database.db, 'openapi-dev', unreachableDevChains('not in this spec'));
    apps.push(...dev.map((s) => s.app));
    devDeposits = (await (await fetch(`${dev[1].url}/docs-json`)).json()) as Document;
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await database?.close();
  });

  it.each(NAMES)('%s: OpenAPI 3.1 with every operation fully described', (name) => {
    const doc = docs.get(name) as Document;
    expect(doc.openapi).toBe('3.1.0');
    expect(gaps(doc)).toEqual([]);
  });

  it('the embedded deposits API documents its dev routes as fully as the rest', () => {
    expect(gaps(devDeposits)).toEqual([]);
  });

  it.each(NAMES)('%s: every operation in the document is served', async (name) => {
    const doc = docs.get(name) as Document;
    const unserved: string[] = [];
    for (const { method, path: p } of operations(doc)) {
      const url = (urls.get(name) as string) + p.replace(/\{[^}]+\}/g, 'x');
      const res = await fetch(url, { method: method.toUpperCase() });
      const body = (await res.text()).includes('"route.not_found"');
      if (res.status === 404 && body) unserved.push(`${method.toUpperCase()} ${p}`);
    }
    expect(unserved).toEqual([]);
  });

  it.each(NAMES)('%s: the committed document is the one served (npm run docs:openapi rewrites it)', (name) => {
    const served = {
      ...(docs.get(name) as Document),
      servers: [{ url: DEFAULT_SERVERS[name], description: 'the embedded default' }],
    };
    const text = `${JSON.stringify(served, null, 2)}\n`;
    if (process.env.UPDATE_OPENAPI === '1') {
      mkdirSync(path.dirname(committedPath(name)), { recursive: true });
      writeFileSync(committedPath(name), text);
    }
    expect(readFileSync(committedPath(name), 'utf8')).toBe(text);
    expect(API_INFO[name].title).toBe((served as unknown as { info: { title: string } }).info.title);
  });
});
