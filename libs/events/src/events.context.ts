import { authContext } from '@strongroom/api-auth';
import type { ContextDescriptor } from '@strongroom/persistence';
import { EventsEndpoints1795330750000 } from './migrations/events-endpoints.migration';
import { EventsInit1795330000000 } from './migrations/events-init.migration';

/**
 * The `events` schema: the transactional outbox, webhook endpoints and their deliveries. Endpoints
 * belong to clients of the registry (auth), and changes to them are audited (audit, through auth).
 */
export const eventsContext: ContextDescriptor = {
  name: 'events',
  schema: 'events',
  migrations: [EventsInit1795330000000, EventsEndpoints1795330750000],
  dependsOn: [authContext],
};
