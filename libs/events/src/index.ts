export * from './backoff';
export * from './events.module';
export * from './migrations/events-init.migration';
export * from './outbox';
export * from './webhook-dispatcher';
export * from './webhook-log';
export * from './webhook-signature';
export * from './webhooks.controller';
