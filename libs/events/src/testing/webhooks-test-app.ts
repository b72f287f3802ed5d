import type { INestApplication } from '@nestjs/common';
import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule, createApiKey, ensureClient, signedFetch, type ApiCredentials } from '@strongroom/api-auth';
import type { Database } from '@strongroom/persistence';
import { DatabaseModule, PlatformModule, startHttpApp } from '@strongroom/shared-http';
import type { Role } from '@strongroom/shared-types';
import { WebhookDispatcher } from '../delivery/webhook-dispatcher';
import { EventsModule } from '../events.module';
import { enqueue, type OutboxEventInput } from '../outbox';
import { WebhookReceiver } from './webhook-receiver';

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

export type WorldKey = 'admin' | 'backend' | 'auditor' | 'approver' | 'globex';

/**
 * What the HTTP webhook specs share, set up in `beforeAll` of the calling suite: clients `acme` and
 * `globex`, a key per role (`backend` and `auditor` scoped to acme, `globex` a backend of globex),
 * the API on a clock the spec moves (real time at first: Webhook.verify checks freshness against
 * the real clock), receivers closed after the suite, and rounds of the dispatcher.
 */
export function webhooksWorld(ctx: () => { db: Database }) {
  let now = new Date();
  let app: INestApplication | undefined;
  let dispatcher: WebhookDispatcher;
  const receivers: WebhookReceiver[] = [];
  const world = {
    api: undefined as unknown as ReturnType<typeof webhooksApi>,
    keys: {} as Record<WorldKey, ApiCredentials>,
    now: () => now,
    advance: (seconds: number) => (now = new Date(now.getTime() + seconds * 1000)),
    async receiver(): Promise<WebhookReceiver> {
      const r = await new WebhookReceiver().up();
      receivers.push(r);
      return r;
    },
    /** Rounds until one makes no attempt (what is due now; retries wait for `advance`). */
    async drain(): Promise<void> {
      for (let round = 0; round < 20; round++) if ((await dispatcher.dispatchOnce()).length === 0) return;
      throw new Error('the dispatcher did not settle');
    },
    emit: (e: Omit<OutboxEventInput, 'at'>) => ctx().db.transaction((tx) => enqueue(tx, { ...e, at: now })),
  };
  beforeAll(async () => {
    const { db } = ctx();
    await ensureClient(db, { id: 'acme', name: 'Acme', custody: 'pooled' });
    await ensureClient(db, { id: 'globex', name: 'Globex', custody: 'segregated' });
    const key = (role: Role, name: string, clients?: string[]) =>
      createApiKey(db, { name, role, owner: name, clients });
    world.keys.admin = await key('admin', 'ops');
    world.keys.backend = await key('backend', 'acme backend', ['acme']);
    world.keys.auditor = await key('auditor', 'acme auditor', ['acme']);
    world.keys.approver = await key('approver', 'acme approver', ['acme']);
    world.keys.globex = await key('backend', 'globex backend', ['globex']);
    const started = await startWebhooksTestApp(db, () => now);
    ({ app, dispatcher } = started);
    world.api = webhooksApi(started.url);
  });
  afterAll(async () => {
    await app?.close();
    for (const r of receivers) await r.down();
  });
  return world;
}
