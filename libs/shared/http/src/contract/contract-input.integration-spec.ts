import { Controller, HttpCode, Module, Post, type INestApplication } from '@nestjs/common';
import { z } from 'zod';
import { openDatabase, type Database } from '@strongroom/persistence';
import { startHttpApp } from '../bootstrap';
import { DatabaseModule } from '../database.module';
import { PlatformModule } from '../platform.module';
import { Public } from '../public.decorator';
import { ApiContract, ContractBody } from './api-contract';
import { NoBody } from './wire-schemas';

let effects = 0;
const Named = z.object({ name: z.string().min(1) }).strict();

@Controller('v1')
class ProbeController {
  // Never reads its body: the contract alone must refuse one with fields.
  @Public()
  @Post('poke')
  @HttpCode(200)
  @ApiContract({ summary: 'poke', description: 'poke', body: NoBody, responses: { 200: z.object({ n: z.number() }) } })
  poke(): { n: number } {
    return { n: ++effects };
  }

  @Public()
  @Post('named')
  @HttpCode(200)
  @ApiContract({ summary: 'named', description: 'named', body: Named, responses: { 200: Named } })
  named(@ContractBody() body: z.infer<typeof Named>): z.infer<typeof Named> {
    return body;
  }
}

// The contract parses every request before its handler runs, whether the handler reads the part
// or not, and the handler's parameters get the parsed value.
describe('contract input', () => {
  let db: Database;
  let app: INestApplication;
  let url: string;
  const post = async (path: string, body?: string) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    db = await openDatabase({ memory: true, contexts: [] });
    @Module({
      imports: [PlatformModule.forApp('contract-input'), DatabaseModule.forInstance(db)],
      controllers: [ProbeController],
    })
    class ProbeApp {}
    ({ app, url } = await startHttpApp(ProbeApp, {
      name: 'p',
      title: 'p',
      description: 'p',
      port: 0,
      shutdownHooks: false,
    }));
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('refuses a body the contract refuses even when the handler never reads it, and runs nothing', async () => {
    const before = effects;
    expect(await post('/v1/poke', '{"amount":"1"}')).toMatchObject({ status: 400, body: { code: 'request.invalid' } });
    expect(effects).toBe(before);
    expect((await post('/v1/poke')).status).toBe(200);
    expect((await post('/v1/poke', '{}')).status).toBe(200);
    expect(effects).toBe(before + 2);
  });

  it('hands the handler the parsed body', async () => {
    expect(await post('/v1/named', '{"name":"x"}')).toEqual({ status: 200, body: { name: 'x' } });
    expect((await post('/v1/named', '{"name":""}')).body.code).toBe('request.invalid');
  });
});
