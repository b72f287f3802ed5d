import { Module, type INestApplication } from '@nestjs/common';
import { AuthModule, authContext, createApiKey, type ApiCredentials } from '@strongroom/api-auth';
import type { Database } from '@strongroom/persistence';
import { DatabaseModule, PlatformModule, startHttpApp } from '@strongroom/shared-http';
import { describeEachBackend } from '@strongroom/testing';
import { sr } from './sr-request';

@Module({})
class KeysApp {
  static with(db: Database) {
    return {
      module: KeysApp,
      imports: [PlatformModule.forApp('sr'), DatabaseModule.forInstance(db), AuthModule.forRoot({ keyRoutes: true })],
    };
  }
}

// The walkthrough's `sr` against a real signed-request guard: accepted when signed with the key,
// refused (exit 1, status on stderr) with a wrong secret.
describeEachBackend('sr, the signed-request command', { contexts: [authContext] }, (ctx) => {
  let app: INestApplication;
  let url: string;
  let key: ApiCredentials;
  let out: string[];
  const capture = () => {
    out = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((s) => out.push(String(s)) > 0);
    jest.spyOn(process.stderr, 'write').mockImplementation((s) => out.push(String(s)) > 0);
  };

  beforeAll(async () => {
    key = await createApiKey(ctx().db, { name: 'sr', role: 'admin', owner: 'o' });
    const opts = { name: 'sr', title: 'sr', description: 'sr', port: 0, shutdownHooks: false };
    ({ app, url } = await startHttpApp(KeysApp.with(ctx().db), opts));
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await app?.close();
  });

  it('signs a POST with its body and headers, and a GET with its query', async () => {
    capture();
    const env = { SR_KEY: key.keyId, SR_SECRET: key.secret };
    const body = '{"name":"made by sr","role":"auditor","owner":"carol","clients":"all"}';
    const created = await sr(['post', `${url}/v1/auth/keys`, body, '-H', 'X-Request-Id: sr:1'], env);
    expect(created).toBe(0);
    expect(await sr(['GET', `${url}/v1/auth/keys?limit=10`], env)).toBe(0);
    expect(out.join('')).not.toMatch(/HTTP \d/);
    expect(out.join('')).toContain('made by sr');
  });

  it('exits 1 and prints the problem and the status for a refused request', async () => {
    capture();
    expect(await sr(['GET', `${url}/v1/auth/keys`], { SR_KEY: key.keyId, SR_SECRET: 'wrong' })).toBe(1);
    expect(out.join('')).toMatch(/auth\.invalid_credentials[\s\S]*HTTP 401/);
  });
});
