import { Controller, Get, Module, Param } from '@nestjs/common';
import { openDatabase, type Database } from '@strongroom/persistence';
import { startHttpApp, type RunningApp } from './bootstrap';
import { DatabaseModule } from './database.module';
import { PlatformModule } from './platform.module';
import { Public } from './public.decorator';

interface Latch {
  released: Promise<void>;
  release: () => void;
}

function latch(): Latch {
  let release = (): void => undefined;
  const released = new Promise<void>((r) => (release = r));
  return { released, release };
}

// Requests are held in the handler on a latch per kind, so every one is in flight when the drain
// begins, however slowly a loaded machine accepts them; the test decides when each kind answers.
const gate = { arrived: 0, finished: 0, latches: new Map<string, Latch>() };

@Controller()
class SlowController {
  @Public()
  @Get('slow/:kind')
  async slow(@Param('kind') kind: string): Promise<{ done: true }> {
    gate.arrived += 1;
    await gate.latches.get(kind)?.released;
    gate.finished += 1;
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

type Outcome = { status: number; done: boolean } | { reset: string };

function request(url: string, kind: string): Promise<Outcome> {
  return fetch(`${url}/slow/${kind}`).then(
    async (r) => ({ status: r.status, done: ((await r.json()) as { done?: boolean }).done === true }),
    (e: Error & { cause?: { code?: string } }) => ({ reset: e.cause?.code ?? e.message }),
  );
}

describe('graceful close under load', () => {
  let db: Database;
  let running: RunningApp;

  async function start(drainMs: number): Promise<void> {
    db = await openDatabase({ memory: true });
    running = await startHttpApp(appModule(db), {
      name: 'drain',
      title: 'd',
      description: 'd',
      port: 0,
      shutdownHooks: false,
      drainMs,
    });
    gate.arrived = 0;
    gate.finished = 0;
    gate.latches = new Map([
      ['quick', latch()],
      ['stuck', latch()],
    ]);
  }

  afterEach(async () => {
    for (const l of gate.latches.values()) l.release();
    await db.close().catch(() => undefined);
  });

  it('finishes every accepted request, then refuses new connections', async () => {
    await start(5_000);
    const inFlight = Array.from({ length: 30 }, () => request(running.url, 'quick'));
    await until(() => gate.arrived === 30); // all accepted, none answered yet
    const closed = running.app.close();
    setTimeout(() => gate.latches.get('quick')?.release(), 300); // answered only once the drain has begun
    const results = await Promise.all(inFlight);
    expect(results).toEqual(Array.from({ length: 30 }, () => ({ status: 200, done: true })));
    await closed;
    await expect(fetch(`${running.url}/health/live`)).rejects.toThrow();
  });

  it('cuts a request held past the bound, answers those that finish within it, and returns', async () => {
    await start(1_500);
    const quick = Array.from({ length: 10 }, () => request(running.url, 'quick'));
    const stuck = request(running.url, 'stuck');
    await until(() => gate.arrived === 11);
    const closed = running.app.close().then(() => gate.finished);
    gate.latches.get('quick')?.release(); // these finish inside the bound
    expect(await Promise.all(quick)).toEqual(Array.from({ length: 10 }, () => ({ status: 200, done: true })));
    // The stuck handler is still waiting when its client sees the reset and when close() returns.
    expect(await stuck).toEqual({ reset: expect.any(String) });
    expect(await closed).toBe(10);
    expect(gate.finished).toBe(10);
    await expect(fetch(`${running.url}/health/live`)).rejects.toThrow();
  });
});
