import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OpenAPI3 } from 'openapi-typescript';
import { idempotentOperations } from './idempotent-operations';

const ROOT = path.resolve(__dirname, '../../..');
const GENERATED = 'libs/client/src/generated';
const APIS = ['ledger', 'deposits', 'withdrawals'];

// The generator runs as `npm run sdk:types` does: openapi-typescript loads ES modules that Jest
// cannot require.
const check = (root: string) =>
  spawnSync(process.execPath, ['tools/run.js', 'libs/client/scripts/generate-types.ts', '--check', '--root', root], {
    cwd: ROOT,
    encoding: 'utf8',
  });

describe('npm run sdk:types', () => {
  it('has generated the committed types from the current OpenAPI documents', () => {
    const run = check(ROOT);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('finds the types of a changed document stale', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'sdk-types-'));
    try {
      mkdirSync(path.join(root, 'docs/openapi'), { recursive: true });
      mkdirSync(path.join(root, GENERATED), { recursive: true });
      for (const api of APIS)
        copyFileSync(path.join(ROOT, `docs/openapi/${api}.json`), path.join(root, `docs/openapi/${api}.json`));
      for (const file of [...APIS, 'idempotent-operations'])
        copyFileSync(path.join(ROOT, GENERATED, `${file}.ts`), path.join(root, GENERATED, `${file}.ts`));
      const docPath = path.join(root, 'docs/openapi/deposits.json');
      const doc = JSON.parse(readFileSync(docPath, 'utf8')) as OpenAPI3;
      doc.paths!['/v1/new-route'] = { get: { responses: { 204: { description: 'No Content' } } } };
      writeFileSync(docPath, JSON.stringify(doc));
      const run = check(root);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`${GENERATED}/deposits.ts`);
      expect(run.stderr).not.toContain(`${GENERATED}/ledger.ts`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('lists the operations taking an Idempotency-Key and makes the header optional for callers', () => {
    const keyHeader = {
      name: 'Idempotency-Key',
      in: 'header' as const,
      required: true,
      schema: { type: 'string' as const },
    };
    const doc: OpenAPI3 = {
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      components: { parameters: { Key: { ...keyHeader, name: 'idempotency-key' } } },
      paths: {
        '/v1/a': { post: { parameters: [keyHeader], responses: {} }, get: { responses: {} } },
        '/v1/b/{id}': { put: { parameters: [{ $ref: '#/components/parameters/Key' }], responses: {} } },
        '/v1/c': {
          post: { parameters: [{ name: 'X-Other', in: 'header', schema: { type: 'string' } }], responses: {} },
        },
      },
    };
    const { operations, forTypes } = idempotentOperations(doc);
    expect(operations).toEqual(['POST /v1/a', 'PUT /v1/b/{id}']);
    const op = (d: OpenAPI3, route: string, method: 'post' | 'put') => {
      const item = d.paths![route];
      if ('$ref' in item) throw new Error('unexpected $ref');
      const o = item[method]!;
      if ('$ref' in o) throw new Error('unexpected $ref');
      return o.parameters![0];
    };
    expect(op(forTypes, '/v1/a', 'post')).toMatchObject({ name: 'Idempotency-Key', required: false });
    expect(op(forTypes, '/v1/b/{id}', 'put')).toMatchObject({ name: 'idempotency-key', required: false });
    expect(op(doc, '/v1/a', 'post')).toMatchObject({ required: true });
  });
});
