import { Controller, Get, Module } from '@nestjs/common';
import { openDatabase, type Database } from '@strongroom/persistence';
import { startHttpApp } from './bootstrap';
import { DatabaseModule } from './database.module';
import { PlatformModule } from './platform.module';
import { Public } from './public.decorator';

// Every request is held in the handler until the test has started closing, so all of them are
// in flight when the drain begins, however slowly a loaded machine accepts them.
const gate = { arrived: 0, release: () => undefined as void, released: Promise.resolve() };

@Controller()
class SlowController {
  @Public()
  @Get('slow')
  async slow(): Promise<{ done: true }> {
    gate.arrived += 1;
    await gate.released;
    return { done: true };
  }
}

async function until(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for every request to reach the handler');
    await new Promise((r) => setTimeout(r, 10));
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
    gate.released = new Promise<void>((r) => (gate.release = r));
    const inFlight = Array.from({ length: 30 }, () =>
      fetch(`${url}/slow`).then(async (r) => ({ status: r.status, body: await r.json() })),
    );
    await until(() => gate.arrived === 30); // all accepted, none answered yet
    const closed = app.close();
    setTimeout(() => gate.release(), 300); // answered only once the drain has begun
    const results = await Promise.all(inFlight);
    expect(results.every((r) => r.status === 200 && (r.body as { done?: boolean }).done === true)).toBe(true);
    await closed;
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
    await db.close().catch(() => undefined);
  });
});
