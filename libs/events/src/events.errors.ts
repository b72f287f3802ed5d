import { defineErrors } from '@strongroom/shared-types';

/** Refusals of the webhook API. */
export const EventsErrors = defineErrors('events', {
  'webhook.not_configured': { status: 422, title: 'No webhook URL configured for this deployment' },
  'webhook.event_not_found': { status: 404, title: 'No such event' },
});
