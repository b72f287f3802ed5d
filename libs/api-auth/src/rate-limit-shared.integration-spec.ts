import type { INestApplication } from '@nestjs/common';
import { rateLimitStorageErrors, startHttpApp } from '@strongroom/shared-http';
import { describeEachBackend } from '@strongroom/testing';
import { createApiKey } from './api-keys';
import { AuthTestAppModule } from './auth-test-app';
import { createClient } from './clients/clients';
import { authContext } from './index';
import type { ApiCredentials } from './signature';
import { signedFetch } from './signed-fetch';

// Replicas share one limit through Redis (the machine's Redis on 127.0.0.1:6379), and a Redis that
// does not answer makes each process count in its own memory instead of failing requests.
const LIMIT = 3;
const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describeEachBackend('rate limits shared by replicas', { contexts: [authContext] }, (ctx) => {
  const apps: INestApplication[] = [];
  let key: ApiCredentials;

  async function replica(redisUrl: string): Promise<string> {
    process.env.RATE_LIMIT_REDIS_URL = redisUrl;
    try {
      const module = AuthTestAppModule.with(ctx().db, { rateLimitPerMinute: LIMIT });
      const opts = { name: 'replica', title: 'replica', description: 'replica', port: 0, shutdownHooks: false };
      const { app, url } = await startHttpApp(module, opts);
      apps.push(app);
      return url;
    } finally {
      delete process.env.RATE_LIMIT_REDIS_URL;
    }
  }

  beforeAll(async () => {
    await createClient(ctx().db, { id: 'acme', name: 'Acme', custody: 'pooled' });
  });
  beforeEach(async () => {
    key = await createApiKey(ctx().db, { name: 'k', role: 'backend', owner: 'o', clients: ['acme'] });
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('counts a key once across two replicas: the limit holds for the pair, not for each', async () => {
    const [a, b] = [await replica(REDIS), await replica(REDIS)];
    const statuses = [];
    for (const url of [a, b, a, b]) statuses.push((await signedFetch(url, key, 'GET', '/v1/things')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('counts in memory, without failing a request, when Redis does not answer', async () => {
    const down = await replica('redis://127.0.0.1:9');
    const errorsBefore = (await rateLimitStorageErrors.get()).values[0]?.value ?? 0;
    const statuses = [];
    for (let i = 0; i < LIMIT + 1; i++) statuses.push((await signedFetch(down, key, 'GET', '/v1/things')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const errorsAfter = (await rateLimitStorageErrors.get()).values[0]?.value ?? 0;
    expect(errorsAfter - errorsBefore).toBe(LIMIT + 1);
  });
});
