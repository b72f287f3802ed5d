import { Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DATABASE } from '@strongroom/shared-http';
import type { Database } from '@strongroom/persistence';
import type { BackoffPolicy } from './backoff';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookLog } from './webhook-log';
import { webhooksController, type RolesDecorator } from './webhooks.controller';

export interface EventsModuleOptions {
  /** The exchange backend's webhook endpoint; absent = events accumulate in the outbox, nothing is sent. */
  webhookUrl?: string;
  webhookSecret?: string;
  /** api-auth's `Roles` decorator, guarding the webhook API. */
  roles: RolesDecorator;
  /** Run the delivery loop in this process (default true when a URL is set). */
  dispatch?: boolean;
  backoff?: BackoffPolicy;
}

class DispatcherLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly dispatcher: WebhookDispatcher | null,
    private readonly run: boolean,
  ) {}
  onApplicationBootstrap(): void {
    if (this.dispatcher && this.run) this.dispatcher.start();
  }
  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher?.stop();
  }
}

/**
 * The outbox's delivery side for an app: the dispatcher loop and `/v1/webhooks`. Writing events
 * needs no module: call `enqueue(tx, …)` in your own transaction.
 */
@Module({})
export class EventsModule {
  static forRoot(options: EventsModuleOptions): DynamicModule {
    if (options.webhookUrl && !options.webhookSecret) {
      throw new Error('WEBHOOK_SECRET is required when WEBHOOK_URL is set: deliveries must be signed');
    }
    return {
      module: EventsModule,
      controllers: [webhooksController(options.roles)],
      providers: [
        { provide: WebhookLog, inject: [DATABASE], useFactory: (db: Database) => new WebhookLog(db) },
        {
          provide: WebhookDispatcher,
          inject: [DATABASE],
          useFactory: (db: Database) =>
            options.webhookUrl
              ? new WebhookDispatcher({
                  db,
                  url: options.webhookUrl,
                  secret: options.webhookSecret as string,
                  backoff: options.backoff,
                })
              : null,
        },
        {
          provide: DispatcherLifecycle,
          inject: [WebhookDispatcher],
          useFactory: (d: WebhookDispatcher | null) => new DispatcherLifecycle(d, options.dispatch ?? true),
        },
      ],
      exports: [WebhookDispatcher, WebhookLog],
    };
  }
}
