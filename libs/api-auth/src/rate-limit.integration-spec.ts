import type { INestApplication } from '@nestjs/common';
import { startHttpApp } from '@strongroom/shared-http';
import { describeEachBackend } from '@strongroom/testing';
import { createApiKey } from './api-keys';
import { AuthTestAppModule, effects } from './auth-test-app';
import { createClient } from './clients/clients';
import { authContext } from './index';
import { signRequest, type ApiCredentials } from './signature';
import { signedFetch } from './signed-fetch';

const LIMIT = 3;

describeEachBackend('rate limits per API key', { contexts: [authContext] }, (ctx) => {
  let app: INestApplication;
  let url: string;
  let first: ApiCredentials;
  let second: ApiCredentials;

  const nonces = async (keyId: string): Promise<number> => {
    const rows = await ctx().db.query<{ n: string }>('SELECT count(*) AS n FROM auth.nonces WHERE key_id = $1', [
      keyId,
    ]);
    return Number(rows[0]?.n);
  };

  beforeAll(async () => {
    const { db } = ctx();
    await createClient(db, { id: 'acme', name: 'Acme', custody: 'pooled' });
    first = await createApiKey(db, { name: 'first', role: 'backend', owner: 'a', clients: ['acme'] });
    second = await createApiKey(db, { name: 'second', role: 'backend', owner: 'b', clients: ['acme'] });
    ({ app, url } = await startHttpApp(AuthTestAppModule.with(db, { rateLimitPerMinute: LIMIT }), {
      name: 'auth-test',
      title: 'rate limits',
      description: 'rate limits',
      port: 0,
      shutdownHooks: false,
    }));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers the (N+1)-th request of a key in the minute with 429, Retry-After, and writes nothing', async () => {
    for (let i = 0; i < LIMIT; i++) {
      const ok = await signedFetch(url, first, 'POST', '/v1/things', { n: i });
      expect(ok.status).toBe(201);
      expect(ok.headers.get('x-ratelimit-remaining')).toBe(String(LIMIT - 1 - i));
    }
    const before = { effects: effects.count, nonces: await nonces(first.keyId) };
    const path = '/v1/things';
    const body = JSON.stringify({ n: 'over' });
    const headers = { 'content-type': 'application/json', ...signRequest(first, 'POST', path, body) };
    const over = await fetch(`${url}${path}`, { method: 'POST', headers, body });
    expect(over.status).toBe(429);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(over.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await over.json()).toMatchObject({
      status: 429,
      code: 'request.rate_limited',
      type: 'urn:strongroom:problem:request.rate_limited',
      retryAfterSeconds: retryAfter,
      limit: LIMIT,
      requestId: over.headers.get('x-request-id'),
    });
    // Nothing done, not even the nonce: the same signed request is still refused for the limit, not as a replay.
    expect({ effects: effects.count, nonces: await nonces(first.keyId) }).toEqual(before);
    const again = await fetch(`${url}${path}`, { method: 'POST', headers, body });
    expect([again.status, ((await again.json()) as { code: string }).code]).toEqual([429, 'request.rate_limited']);
    // Reads are counted with writes: one budget per key.
    expect((await signedFetch(url, first, 'GET', '/v1/things')).status).toBe(429);
  });

  it('leaves another key alone', async () => {
    const res = await signedFetch(url, second, 'POST', '/v1/things', { n: 'second' });
    expect(res.status).toBe(201);
  });

  it('never limits /health or /metrics', async () => {
    for (let i = 0; i < 3 * LIMIT; i++) {
      expect((await fetch(`${url}/health`)).status).toBe(200);
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
      expect((await fetch(`${url}/health/ready`)).status).toBe(200);
      expect((await fetch(`${url}/metrics`)).status).toBe(200);
    }
  });

  it('limits other public routes per client address', async () => {
    const answers: number[] = [];
    for (let i = 0; i <= LIMIT; i++) answers.push((await fetch(`${url}/v1/reports/about`)).status);
    expect(answers).toEqual([...Array<number>(LIMIT).fill(200), 429]);
  });
});
