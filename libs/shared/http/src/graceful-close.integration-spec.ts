import { Controller, Get, Module } from '@nestjs/common';
import { openDatabase, type Database } from '@strongroom/persistence';
import { startHttpApp } from './bootstrap';
import { DatabaseModule } from './database.module';
import { PlatformModule } from './platform.module';
import { Public } from './public.decorator';

@Controller()
class SlowController {
  @Public()
  @Get('slow')
  async slow(): Promise<{ done: true }> {
    await new Promise((r) => setTimeout(r, 400));
    return { done: true };
  }
}

function appModule(db: Database) {
  @Module({ imports: [PlatformModule.forApp('drain'), DatabaseModule.forInstance(db)], controllers: [SlowController] })
  class DrainApp {}
  return DrainApp;
}

describe('graceful close under load', () => {
  it('finishes every accepted request, then refuses new connections', async () => {
    const db = await openDatabase({ memory: true });
    const { app, url } = await startHttpApp(appModule(db), {
      name: 'drain',
      title: 'd',
      description: 'd',
      port: 0,
      shutdownHooks: false,
      drainMs: 5_000,
    });
    const inFlight = Array.from({ length: 30 }, () =>
      fetch(`${url}/slow`).then(async (r) => ({ status: r.status, body: await r.json() })),
    );
    await new Promise((r) => setTimeout(r, 150)); // all accepted, none answered yet
    const closed = app.close();
    const results = await Promise.all(inFlight);
    expect(results.every((r) => r.status === 200 && (r.body as { done?: boolean }).done === true)).toBe(true);
    await closed;
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
    await db.close().catch(() => undefined);
  });
});
