import { Module, type INestApplication } from '@nestjs/common';
import { openDatabase, type Database } from '@strongroom/persistence';
import { startHttpApp } from './bootstrap';
import { DatabaseModule } from './database.module';
import { PlatformModule } from './platform.module';

function appModule(db: Database) {
  @Module({ imports: [PlatformModule.forApp('health'), DatabaseModule.forInstance(db)] })
  class HealthProbeApp {}
  return HealthProbeApp;
}

describe('/health/live and /health/ready', () => {
  let db: Database;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    db = await openDatabase({ memory: true });
    const r = await startHttpApp(appModule(db), {
      name: 'health',
      title: 'h',
      description: 'h',
      port: 0,
      shutdownHooks: false,
    });
    app = r.app;
    url = r.url;
  });
  afterAll(async () => {
    await app.close();
  });

  it('is live and ready without authentication while the database answers', async () => {
    const live = await fetch(`${url}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      info: { database: { status: 'up' } },
      error: {},
      details: { database: { status: 'up' } },
    });
  });

  it('stays live but answers 503 on ready once the database is gone', async () => {
    await db.close();
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { status: string; error: Record<string, { status: string }> };
    expect(body.status).toBe('error');
    expect(body.error['database']?.status).toBe('down');
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
  });
});
