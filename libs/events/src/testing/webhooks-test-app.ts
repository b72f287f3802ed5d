import type { INestApplication } from '@nestjs/common';
import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule, signedFetch, type ApiCredentials } from '@strongroom/api-auth';
import type { Database } from '@strongroom/persistence';
import { DatabaseModule, PlatformModule, startHttpApp } from '@strongroom/shared-http';
import { WebhookDispatcher } from '../delivery/webhook-dispatcher';
import { EventsModule } from '../events.module';

@Module({})
class WebhooksTestAppModule {
  static with(db: Database, clock: () => Date): DynamicModule {
    return {
      module: WebhooksTestAppModule,
      imports: [
        PlatformModule.forApp('webhooks-test'),
        DatabaseModule.forInstance(db),
        AuthModule.forRoot(),
        // The spec runs the rounds itself (dispatchOnce), on its own clock.
        EventsModule.forRoot({ dispatch: false, clock, backoff: { baseMs: 1_000, maxMs: 4_000 } }),
      ],
    };
  }
}

/** The webhook API on a free port, with the dispatcher the spec drives round by round. */
export async function startWebhooksTestApp(
  db: Database,
  clock: () => Date,
): Promise<{ app: INestApplication; url: string; dispatcher: WebhookDispatcher }> {
  const { app, url } = await startHttpApp(WebhooksTestAppModule.with(db, clock), {
    name: 'webhooks-test',
    title: 'webhooks test',
    description: 'the webhook API alone',
    port: 0,
    shutdownHooks: false,
  });
  return { app, url, dispatcher: app.get(WebhookDispatcher) };
}

export interface CreatedEndpoint {
  id: string;
  clientId: string | null;
  url: string;
  eventTypes: string[];
  enabled: boolean;
  secret: string;
  previousSecretExpiresAt: string | null;
}

/** Signed calls to the webhook API, and JSON answers. */
export function webhooksApi(baseUrl: string) {
  const call = (key: ApiCredentials, method: string, path: string, body?: unknown) =>
    signedFetch(baseUrl, key, method, path, body);
  return {
    call,
    async json<T>(
      key: ApiCredentials,
      method: string,
      path: string,
      body?: unknown,
    ): Promise<{ status: number; body: T }> {
      const res = await call(key, method, path, body);
      return { status: res.status, body: (await res.json()) as T };
    },
    /** Creates an endpoint (expecting 201) and returns it with its secret. */
    async create(key: ApiCredentials, body: Record<string, unknown>): Promise<CreatedEndpoint> {
      const res = await call(key, 'POST', '/v1/webhooks/endpoints', body);
      if (res.status !== 201) throw new Error(`create endpoint: ${res.status} ${await res.text()}`);
      return (await res.json()) as CreatedEndpoint;
    },
  };
}
