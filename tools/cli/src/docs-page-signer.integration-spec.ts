import { Module, type INestApplication } from '@nestjs/common';
import { AuthModule, authContext, createApiKey, type ApiCredentials } from '@strongroom/api-auth';
import type { Database } from '@strongroom/persistence';
import { DatabaseModule, DOCS_PAGE_SIGNER_JS, PlatformModule, startHttpApp } from '@strongroom/shared-http';
import { describeEachBackend } from '@strongroom/testing';

@Module({})
class KeysApp {
  static with(db: Database) {
    return {
      module: KeysApp,
      imports: [
        PlatformModule.forApp('docs-page'),
        DatabaseModule.forInstance(db),
        AuthModule.forRoot({ keyRoutes: true }),
      ],
    };
  }
}

type SwaggerRequest = { url: string; method: string; headers: Record<string, string>; body?: string };
type Page = { strongroomSign(req: SwaggerRequest, creds: ApiCredentials): Promise<SwaggerRequest> };

/** The script Swagger UI runs, evaluated as the page would (window = a global object with Web Crypto). */
function loadPage(origin: string): Page {
  const window = { location: { href: `${origin}/docs` } } as unknown as Page;
  new Function('window', 'crypto', 'TextEncoder', 'URL', DOCS_PAGE_SIGNER_JS)(window, crypto, TextEncoder, URL);
  return window;
}

// "Try it out" on /docs signs in the browser: the very script the page runs produces requests the
// real guard accepts, with a body and a query, and a wrong secret is refused.
describeEachBackend('the docs page signs requests', { contexts: [authContext] }, (ctx) => {
  let app: INestApplication;
  let url: string;
  let key: ApiCredentials;

  beforeAll(async () => {
    key = await createApiKey(ctx().db, { name: 'docs page', role: 'admin', owner: 'o' });
    const opts = { name: 'docs-page', title: 't', description: 't', port: 0, shutdownHooks: false };
    ({ app, url } = await startHttpApp(KeysApp.with(ctx().db), opts));
  });
  afterAll(async () => {
    await app?.close();
  });

  const send = async (req: SwaggerRequest) => {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('signs a POST with its body and a GET with its query as the guard checks them', async () => {
    const page = loadPage(url);
    const body = JSON.stringify({ name: 'from the docs page', role: 'auditor', owner: 'carol', clients: 'all' });
    const post = await page.strongroomSign(
      { url: `${url}/v1/auth/keys`, method: 'post', headers: { 'content-type': 'application/json' }, body },
      key,
    );
    expect((await send(post)).status).toBe(201);
    const get = await page.strongroomSign({ url: `${url}/v1/auth/keys?limit=5`, method: 'GET', headers: {} }, key);
    expect((await send(get)).status).toBe(200);
  });

  it("is the script the served docs page loads, wired as Swagger UI's request interceptor", async () => {
    const html = await (await fetch(`${url}/docs`)).text();
    const init = await (await fetch(`${url}/docs/swagger-ui-init.js`)).text();
    expect(html).toContain('window.strongroomSign = async function');
    expect(init).toMatch(/requestInterceptor[\s\S]*strongroomSign\(req\)/);
  });

  it('is refused with another secret', async () => {
    const page = loadPage(url);
    const req = await page.strongroomSign(
      { url: `${url}/v1/auth/keys`, method: 'GET', headers: {} },
      { keyId: key.keyId, secret: 'not the secret' },
    );
    expect(await send(req)).toMatchObject({ status: 401, body: { code: 'auth.invalid_credentials' } });
  });
});
