import { request as httpRequest } from 'node:http';
import { Controller, Get, Logger, Module, type INestApplication } from '@nestjs/common';
import { openDatabase, type Database } from '@strongroom/persistence';
import { DomainError } from '@strongroom/shared-types';
import { startHttpApp } from './bootstrap';
import { DatabaseModule } from './database.module';
import { PlatformModule } from './platform.module';
import { Public } from './public.decorator';

@Controller('v1')
class TracedController {
  private readonly logger = new Logger('Traced');

  @Public()
  @Get('refuse')
  refuse(): never {
    this.logger.log('refusing on purpose');
    // An error's own members may not replace the request's id.
    throw new DomainError('probe.refused', 422, 'refused', { requestId: 'spoofed', instance: 'spoofed' });
  }

  @Public()
  @Get('ok')
  ok(): { ok: true } {
    return { ok: true };
  }
}

type Line = Record<string, unknown> & { requestId?: string; msg?: string; req?: { id?: string } };
type Json = Record<string, unknown>;

/** A raw request, so header values fetch would refuse to send (tabs, Latin-1) reach the server. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; id: string; body: Json }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      let text = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => (text += c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          id: String(res.headers['x-request-id']),
          body: JSON.parse(text) as Json,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('X-Request-Id', () => {
  let db: Database;
  let app: INestApplication;
  let url: string;
  const lines: Line[] = [];

  beforeAll(async () => {
    db = await openDatabase({ memory: true });
    const logStream = { write: (s: string) => void lines.push(JSON.parse(s) as Line) };
    @Module({
      imports: [PlatformModule.forApp('traced', { logStream, logLevel: 'info' }), DatabaseModule.forInstance(db)],
      controllers: [TracedController],
    })
    class TracedApp {}
    ({ app, url } = await startHttpApp(TracedApp, {
      name: 'traced',
      title: 't',
      description: 't',
      port: 0,
      shutdownHooks: false,
    }));
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const linesOf = (id: string) => lines.filter((l) => l.requestId === id);

  it('echoes the caller’s id on the response, in the problem and in every log line of the request', async () => {
    const id = '0190c1a2-7e55-7b1e-9f3a-1c2d3e4f5a6b';
    const res = await fetch(`${url}/v1/refuse`, { headers: { 'x-request-id': id } });
    expect(res.headers.get('x-request-id')).toBe(id);
    expect(await res.json()).toMatchObject({
      code: 'probe.refused',
      requestId: id,
      instance: `urn:strongroom:request:${id}`,
    });
    const mine = linesOf(id);
    expect(mine.map((l) => l.msg)).toEqual(expect.arrayContaining(['refusing on purpose', 'request completed']));
    for (const l of mine) expect(l.req?.id ?? id).toBe(id);
  });

  it('generates a new UUID per request otherwise, the same in header, problem and log line', async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const res = await fetch(`${url}/v1/refuse`);
        return { header: res.headers.get('x-request-id') ?? '', body: (await res.json()) as Json };
      }),
    );
    const ids = answers.map((a) => a.header);
    expect(new Set(ids).size).toBe(5);
    for (const { header, body } of answers) {
      expect(header).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(body['requestId']).toBe(header);
      expect(linesOf(header).map((l) => l.msg)).toEqual(expect.arrayContaining(['refusing on purpose']));
    }
    const ok = await fetch(`${url}/v1/ok`);
    expect(ok.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('carries the id on refusals of the request gate, before routing', async () => {
    const res = await fetch(`${url}/v1/ok`, { headers: { 'x-request-id': 'gate-1', 'content-type': 'text/plain' } });
    expect(res.status).toBe(415);
    expect(res.headers.get('x-request-id')).toBe('gate-1');
    expect(await res.json()).toMatchObject({ code: 'request.unsupported_media_type', requestId: 'gate-1' });
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['a tab', 'abc\tdef'],
    ['a space', 'abc def'],
    ['quotes and markup', '"><script>'],
    ['Latin-1 bytes', 'caf\u00e9'],
    ['a CRLF-looking text', 'abc%0d%0aSet-Cookie:x'],
  ])('replaces a caller’s id holding %s, echoing it nowhere', async (_what, bad) => {
    const r = await rawGet(`${url}/v1/refuse`, { 'x-request-id': bad });
    expect(r.status).toBe(422);
    expect(r.id).not.toBe(bad);
    expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.body['requestId']).toBe(r.id);
    expect(JSON.stringify(r.body)).not.toContain(bad);
    expect(JSON.stringify(linesOf(r.id).map((l) => ({ ...l, req: undefined })))).not.toContain(bad);
  });

  it('keeps a 128-character id, the longest accepted', async () => {
    const id = 'A1._~:-'.repeat(18).slice(0, 128);
    const res = await fetch(`${url}/v1/ok`, { headers: { 'x-request-id': id } });
    expect(res.headers.get('x-request-id')).toBe(id);
  });
});
