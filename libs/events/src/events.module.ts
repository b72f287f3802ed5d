import { Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuditLog, AuditModule } from '@strongroom/audit';
import type { Database } from '@strongroom/persistence';
import { DATABASE } from '@strongroom/shared-http';
import type { BackoffPolicy } from './backoff';
import { WebhookDispatcher, type WebhookDispatcherOptions } from './delivery/webhook-dispatcher';
import { WebhookLog } from './delivery/webhook-log';
import { WebhookEndpoints } from './endpoints/webhook-endpoints.service';
import { WebhookEndpointsController } from './http/webhook-endpoints.controller';
import { WebhooksController } from './http/webhooks.controller';

export interface EventsModuleOptions {
  /** Run the delivery loop in this process (default true). Replicas may all run it. */
  dispatch?: boolean;
  backoff?: BackoffPolicy;
  /** The time deliveries are signed and leased with and rotations' overlaps end by (tests move it). */
  clock?: () => Date;
  /** Tuning of the dispatcher (in flight, per endpoint, lease, timeout, idle pause). */
  dispatcher?: Omit<WebhookDispatcherOptions, 'db' | 'backoff' | 'clock'>;
}

class DispatcherLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly dispatcher: WebhookDispatcher,
    private readonly run: boolean,
  ) {}
  onApplicationBootstrap(): void {
    if (this.run) this.dispatcher.start();
  }
  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher.stop();
  }
}

/**
 * The outbox's delivery side for an app: webhook endpoints (`/v1/webhooks/endpoints`), the
 * dispatcher loop and the outbox and delivery logs. Writing events needs no module: call
 * `enqueue(tx, …)` in your own transaction.
 */
@Module({})
export class EventsModule {
  static forRoot(options: EventsModuleOptions = {}): DynamicModule {
    const clock = options.clock ?? (() => new Date());
    return {
      module: EventsModule,
      imports: [AuditModule],
      controllers: [WebhookEndpointsController, WebhooksController],
      providers: [
        { provide: WebhookLog, inject: [DATABASE], useFactory: (db: Database) => new WebhookLog(db) },
        {
          provide: WebhookEndpoints,
          inject: [DATABASE, AuditLog],
          useFactory: (db: Database, audit: AuditLog) => new WebhookEndpoints(db, audit, clock),
        },
        {
          provide: WebhookDispatcher,
          inject: [DATABASE],
          useFactory: (db: Database) =>
            new WebhookDispatcher({ ...options.dispatcher, db, backoff: options.backoff, clock }),
        },
        {
          provide: DispatcherLifecycle,
          inject: [WebhookDispatcher],
          useFactory: (d: WebhookDispatcher) => new DispatcherLifecycle(d, options.dispatch ?? true),
        },
      ],
      exports: [WebhookDispatcher, WebhookLog, WebhookEndpoints],
    };
  }
}
