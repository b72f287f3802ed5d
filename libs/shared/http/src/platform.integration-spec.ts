import { Body, Controller, Get, Module, Post, type INestApplication } from '@nestjs/common';
import { openDatabase, type Database } from '@strongroom/persistence';
import { DomainError } from '@strongroom/shared-types';
import { startHttpApp } from './bootstrap';
import { DatabaseModule } from './database.module';
import { PlatformModule } from './platform.module';
import { Public } from './public.decorator';

@Controller('v1')
class ProbeController {
  @Public()
  @Get('fail')
  fail(): never {
    throw new DomainError('probe.refused', 422, 'the probe refuses', {
      field: 'x',
      status: 'not a status',
      code: 'spoofed',
    });
  }

  @Public()
  @Post('echo')
  echo(@Body() body: unknown) {
    return { body, big: 2n ** 70n };
  }

  @Public()
  @Get('boom')
  boom(): never {
    throw new Error('secret internals');
  }
}

function appModule(name: string, db: Database) {
  @Module({ imports: [PlatformModule.forApp(name), DatabaseModule.forInstance(db)], controllers: [ProbeController] })
  class ProbeApp {}
  return ProbeApp;
}

type Json = Record<string, unknown>;
const json = async (res: Response): Promise<Json> => (await res.json()) as Json;

describe('the shared HTTP platform', () => {
  let db: Database;
  const apps: INestApplication[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    db = await openDatabase({ memory: true });
    for (const name of ['alpha', 'beta']) {
      const r = await startHttpApp(appModule(name, db), {
        name,
        title: name,
        description: 'probe',
        port: 0,
        shutdownHooks: false,
      });
      apps.push(r.app);
      urls.push(r.url);
    }
  });
  afterAll(async () => {
    for (const a of apps) await a.close();
    await db.close();
  });

  it('answers /health when the database is reachable', async () => {
    const res = await fetch(`${urls[0]}/health`);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ status: 'ok', database: 'up', backend: 'pglite' });
  });

  it('renders domain errors, malformed JSON, unknown routes and crashes as problem+json with stable codes', async () => {
    const fail = await fetch(`${urls[0]}/v1/fail`);
    expect([fail.status, fail.headers.get('content-type')]).toEqual([422, 'application/problem+json; charset=utf-8']);
    expect(await json(fail)).toMatchObject({
      type: 'urn:strongroom:problem:probe.refused',
      code: 'probe.refused',
      status: 422,
      field: 'x',
      instance: `urn:strongroom:request:${fail.headers.get('x-request-id')}`,
      requestId: fail.headers.get('x-request-id'),
    });
    const bad = await fetch(`${urls[0]}/v1/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    });
    expect([bad.status, (await json(bad)).code]).toEqual([400, 'request.malformed_json']);
    const missing = await fetch(`${urls[0]}/v1/nothing-here`);
    expect([missing.status, (await json(missing)).code]).toEqual([404, 'route.not_found']);
    const boom = await fetch(`${urls[0]}/v1/boom`);
    const problem = await json(boom);
    expect([boom.status, problem.code]).toEqual([500, 'internal']);
    expect(JSON.stringify(problem)).not.toContain('secret internals');
  });

  it('renders bigint as a decimal string', async () => {
    const res = await fetch(`${urls[1]}/v1/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(await json(res)).toEqual({ body: { a: 1 }, big: '1180591620717411303424' });
  });

  it('labels metrics with the app that served the request, even with two apps in one process', async () => {
    await fetch(`${urls[1]}/v1/fail`);
    const text = await (await fetch(`${urls[0]}/metrics`)).text();
    expect(text).toMatch(
      /strongroom_http_request_duration_seconds_count\{app="alpha",method="GET",route="\/v1\/fail",status="422"\} [1-9]/,
    );
    expect(text).toMatch(
      /strongroom_http_request_duration_seconds_count\{app="beta",method="GET",route="\/v1\/fail",status="422"\} [1-9]/,
    );
  });

  it('serves the OpenAPI document', async () => {
    const doc = (await json(await fetch(`${urls[0]}/docs-json`))) as { paths: Json };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/fail', '/v1/echo', '/health']));
  });
});
