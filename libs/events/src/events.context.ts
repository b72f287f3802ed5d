import type { ContextDescriptor } from '@strongroom/persistence';
import { EventsInit1795330000000 } from './migrations/events-init.migration';

/** The `events` schema: the transactional outbox and webhook deliveries. */
export const eventsContext: ContextDescriptor = {
  name: 'events',
  schema: 'events',
  migrations: [EventsInit1795330000000],
  dependsOn: [],
};
