import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Body, Controller, Get, Logger, Module, Param, Post, Query, Req, type INestApplication } from '@nestjs/common';
import type { Request } from 'express';
import { openDatabase, type Database } from '@strongroom/persistence';
import { startHttpApp } from './bootstrap';
import { DatabaseModule } from './database.module';
import { PlatformModule } from './platform.module';
import { Public } from './public.decorator';

/** Counts handler runs: a refused request must never reach one. */
const reached = { count: 0 };

@Controller('v1')
class GateProbeController {
  @Public()
  @Post('echo')
  echo(@Body() body: unknown, @Req() req: Request & { rawBody?: Buffer }) {
    reached.count += 1;
    return { body: body ?? null, raw: req.rawBody?.toString('base64') ?? null };
  }

  @Public()
  @Get('items/:id')
  item(@Param('id') id: string, @Query() query: unknown) {
    reached.count += 1;
    return { id, query };
  }

  @Public()
  @Get('boom')
  boom(): never {
    throw new Error('a bug');
  }
}

@Module({ imports: [PlatformModule.forApp('gate')], controllers: [GateProbeController] })
class GateProbeModule {}

type Json = Record<string, unknown>;

describe('the request gate (before routing and authentication)', () => {
  let db: Database;
  let app: INestApplication;
  let url: string;
  let port: number;

  beforeAll(async () => {
    db = await openDatabase({ memory: true });
    @Module({ imports: [GateProbeModule, DatabaseModule.forInstance(db)] })
    class Root {}
    ({ app, url, port } = await startHttpApp(Root, {
      name: 'gate',
      title: 'gate',
      description: 'probe',
      port: 0,
      shutdownHooks: false,
      bodyLimitBytes: 64 * 1024,
      maxJsonDepth: 8,
    }));
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const post = (
    body: string | Buffer,
    headers: Record<string, string> = { 'content-type': 'application/json' },
    path = '/v1/echo',
  ) => fetch(`${url}${path}`, { method: 'POST', headers, body });
  const refusal = async (res: Response): Promise<[number, string, string | null]> => {
    const type = res.headers.get('content-type');
    const code = ((await res.json()) as Json).code as string;
    return [res.status, code, type];
  };
  const PROBLEM = 'application/problem+json; charset=utf-8';

  async function expectRefused(send: () => Promise<Response>, status: number, code: string): Promise<void> {
    const before = reached.count;
    expect(await refusal(await send())).toEqual([status, code, PROBLEM]);
    expect(reached.count).toBe(before);
  }

  it('passes JSON through with its exact bytes kept for the signature', async () => {
    const text = '{ "a": "é\\ud83d\\ude00", "tab\\t": [1, {"b": null}] }';
    const res = await post(Buffer.from(text), { 'content-type': 'Application/JSON; Charset="UTF-8"' });
    expect(res.status).toBe(201);
    const got = (await res.json()) as { body: Json; raw: string };
    expect(got.body).toEqual({ a: 'é😀', 'tab\t': [1, { b: null }] });
    expect(Buffer.from(got.raw, 'base64').toString()).toBe(text);
    const empty = await fetch(`${url}/v1/echo`, { method: 'POST' });
    expect([empty.status, await empty.json()]).toEqual([201, { body: null, raw: '' }]);
  });

  it('refuses NUL and control characters in the path and the query', async () => {
    await expectRefused(() => fetch(`${url}/v1/items/%00`), 400, 'request.nul_character');
    await expectRefused(() => fetch(`${url}/v1/items/a%00b`), 400, 'request.nul_character');
    await expectRefused(() => fetch(`${url}/v1/items/x?clientId=%00`), 400, 'request.nul_character');
    await expectRefused(() => fetch(`${url}/v1/items/x?%00=1`), 400, 'request.nul_character');
    await expectRefused(() => fetch(`${url}/v1/items/%1B%5B2J`), 400, 'request.control_character');
    await expectRefused(() => fetch(`${url}/v1/items/x?q=%C2%9B`), 400, 'request.control_character');
    await expectRefused(() => fetch(`${url}/v1/items/%ED%A0%80`), 400, 'request.malformed_url');
    await expectRefused(() => fetch(`${url}/v1/items/%E0%A4%A`), 400, 'request.malformed_url');
    await expectRefused(() => fetch(`${url}/v1/items/x?q=%ZZ`), 400, 'request.malformed_url');
    const fine = await fetch(`${url}/v1/items/a%20b?q=%E2%82%AC+1&t=%09`);
    expect(await fine.json()).toEqual({ id: 'a b', query: { q: '€ 1', t: '\t' } });
  });

  it('refuses NUL, lone surrogates and control characters in any body string or member name', async () => {
    await expectRefused(() => post('{"memo":"a\\u0000"}'), 400, 'request.nul_character');
    await expectRefused(() => post('{"m":{"deep":["x","\\u0000"]}}'), 400, 'request.nul_character');
    await expectRefused(() => post('{"a\\u0000":1}'), 400, 'request.nul_character');
    await expectRefused(() => post('{"name":"\\ud800"}'), 400, 'request.lone_surrogate');
    await expectRefused(() => post('{"name":"\\udc00\\ud800"}'), 400, 'request.lone_surrogate');
    await expectRefused(() => post('[{"\\udfff":1}]'), 400, 'request.lone_surrogate');
    await expectRefused(() => post('{"name":"\\u001b[31mred"}'), 400, 'request.control_character');
    await expectRefused(() => post('{"name":"\\u007f"}'), 400, 'request.control_character');
    const res = await post('{"m":{"list":[0,"\\u0000"]}}');
    expect(await res.json()).toMatchObject({ location: 'body', pointer: '/m/list/1' });
  });

  it('refuses bodies that are not UTF-8 JSON, or that are too large or too deep', async () => {
    await expectRefused(
      () => post(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])),
      400,
      'request.invalid_utf8',
    );
    await expectRefused(() => post(Buffer.from('{"a":"\xed\xa0\x80"}', 'latin1')), 400, 'request.invalid_utf8');
    await expectRefused(() => post('{"a":'), 400, 'request.malformed_json');
    await expectRefused(() => post('"just a string"'), 400, 'request.malformed_json');
    await expectRefused(() => post('{"a":"\u0001"}'), 400, 'request.malformed_json');
    await expectRefused(() => post(`{"m":${'['.repeat(8)}${']'.repeat(8)}}`), 400, 'request.too_deep');
    await expectRefused(() => post(`${'['.repeat(10_000)}${']'.repeat(10_000)}`), 400, 'request.too_deep');
    await expectRefused(() => post(JSON.stringify({ a: 'x'.repeat(70 * 1024) })), 413, 'request.too_large');
    // Brackets inside strings are text, not nesting.
    expect((await post(JSON.stringify({ a: '[[[[[[[[[[{{{{{{{{' }))).status).toBe(201);
    expect((await post(`{"m":${'['.repeat(7)}${']'.repeat(7)}}`)).status).toBe(201);
  });

  it('refuses other media types, charsets and any Content-Encoding with 415 (even on /health)', async () => {
    for (const type of [
      'application/x-www-form-urlencoded',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/jsonx',
      ';',
      '',
    ]) {
      await expectRefused(() => post('a=1', { 'content-type': type }), 415, 'request.unsupported_media_type');
    }
    await expectRefused(
      () => fetch(`${url}/v1/echo`, { method: 'POST', body: new Uint8Array(Buffer.from('{}')) }),
      415,
      'request.unsupported_media_type',
    );
    for (const charset of ['latin1', 'utf8', 'ascii', 'utf-16', 'x-unknown', '']) {
      await expectRefused(
        () => post('{}', { 'content-type': `application/json; charset=${charset}` }),
        415,
        'request.unsupported_charset',
      );
    }
    const gz = gzipSync(Buffer.from('{"a":1}'));
    for (const [encoding, body] of [
      ['gzip', gz],
      ['gzip, gzip', gzipSync(gz)],
      ['br', Buffer.from('junk')],
      ['compress', Buffer.from('junk')],
      ['deflate', Buffer.from('{}')],
    ] as const) {
      await expectRefused(
        () => post(body, { 'content-type': 'application/json', 'content-encoding': encoding }),
        415,
        'request.unsupported_encoding',
      );
    }
    expect((await post('{}', { 'content-type': 'application/json', 'content-encoding': 'identity' })).status).toBe(201);
    await expectRefused(
      () => post('{}', { 'content-type': 'application/json; charset=latin1' }, '/health'),
      415,
      'request.unsupported_charset',
    );
    await expectRefused(
      () => fetch(`${url}/health`, { headers: { 'content-encoding': 'br' } }),
      415,
      'request.unsupported_encoding',
    );
  });

  it('counts refusals in /metrics instead of logging them; only a 5xx is logged at error level', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error');
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    for (let i = 0; i < 20; i++) {
      await post('{}', { 'content-type': 'application/json; charset=latin1' }, '/health');
      await post(Buffer.from('x'), { 'content-type': 'application/json', 'content-encoding': 'br' });
      await fetch(`${url}/v1/items/%00`);
    }
    expect([errors.mock.calls.length, warnings.mock.calls.length]).toEqual([0, 0]);
    expect((await fetch(`${url}/v1/boom`)).status).toBe(500);
    expect(errors).toHaveBeenCalledTimes(1);
    errors.mockRestore();
    warnings.mockRestore();
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/strongroom_http_refused_total\{app="gate",code="request.unsupported_encoding"\} [1-9]/);
  });

  it('answers a header carrying NUL, and an oversized declared body, without reading on', async () => {
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.write(request));
        let out = '';
        socket.on('data', (c) => (out += c.toString('latin1')));
        socket.on('end', () => resolve(out));
        socket.on('error', reject);
        socket.setTimeout(3000, () => socket.destroy());
      });
    const nul = await raw('GET /v1/items/x HTTP/1.1\r\nHost: a\r\nX-Thing: a\u0000b\r\nConnection: close\r\n\r\n');
    expect(nul).toMatch(/^HTTP\/1\.1 400 /);
    expect(nul).not.toMatch(/ 5\d\d /);
    const big = await raw(
      'POST /v1/echo HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 99999999\r\n\r\n{"a":',
    );
    expect(big).toMatch(/^HTTP\/1\.1 413 /);
    expect(big).toMatch(/connection: close/i);
    expect(big).toContain('"code":"request.too_large"');
  });
});
