import { defineErrors } from '@strongroom/shared-types';

/** Refusals of the webhook API. */
export const EventsErrors = defineErrors('events', {
  'webhook.event_not_found': { status: 404, title: 'No such event' },
  'webhook.endpoint_not_found': {
    status: 404,
    title: 'No such webhook endpoint',
    description: 'Also the answer for an endpoint of a client outside the key’s scope, and for a deleted one.',
  },
  'webhook.endpoint_disabled': {
    status: 409,
    title: 'The webhook endpoint is disabled',
    description: 'Enable it (`PATCH` with `enabled: true`) before sending it a test event or a replay.',
  },
});
