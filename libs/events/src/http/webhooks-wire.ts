import { pageQuery, Timestamp } from '@strongroom/shared-http';
import { z } from 'zod';
import { EVENT_STATES } from '../delivery/webhook-log';
import { EVENT_TYPE_PATTERN } from '../endpoints/webhook-endpoint';

/** Client ids as the registry spells them. */
const ClientId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);

/** http(s) only, no user:password@ (it would be sent to every redirect and logged with the URL). */
const EndpointUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((u) => !new URL(u).username && !new URL(u).password, 'the URL may not carry credentials')
  .meta({ description: 'Where deliveries are POSTed: http(s), no credentials; redirects are not followed.' });

const EventTypes = z
  .array(z.string().max(100).regex(EVENT_TYPE_PATTERN, 'an event type, a prefix such as `deposit.*`, or `*`'))
  .max(50)
  .transform((types) => [...new Set(types)].sort())
  .meta({
    description:
      'Subscriptions: `*`, an exact type (`withdrawal.settled`), or a prefix (`deposit.*`). Empty = every type.',
  });

const Description = z.string().max(500).meta({ description: 'Free text for people, at most 500 characters.' });

export const CreateEndpoint = z
  .object({
    clientId: ClientId.nullable().meta({
      description: 'The client whose events it receives; null = deployment-wide events (keys of every client only).',
    }),
    url: EndpointUrl,
    description: Description.optional(),
    eventTypes: EventTypes.optional(),
    enabled: z.boolean().optional().meta({ description: 'Default true.' }),
  })
  .strict();

export const UpdateEndpoint = z
  .object({
    url: EndpointUrl.optional(),
    description: Description.optional(),
    eventTypes: EventTypes.optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .refine((o) => Object.values(o).some((v) => v !== undefined), 'name at least one field to change');

export const MAX_OVERLAP_SECONDS = 7 * 24 * 3600;
export const DEFAULT_OVERLAP_SECONDS = 24 * 3600;

export const RotateSecret = z
  .object({
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_OVERLAP_SECONDS)
      .default(DEFAULT_OVERLAP_SECONDS)
      .meta({
        description: `How long the old secret keeps signing beside the new one, 0–${MAX_OVERLAP_SECONDS} s (default ${DEFAULT_OVERLAP_SECONDS}, a day); 0 = replaced at once.`,
      }),
  })
  .strict();

export const EndpointParams = z.object({ id: z.string().max(64).meta({ description: 'The endpoint id (`whep_…`).' }) });
export const ReplayParams = EndpointParams.extend({
  eventId: z.string().max(100).meta({ description: 'The event id (`evt_…`).' }),
});

export const EndpointListQuery = z
  .object({ clientId: ClientId.optional().meta({ description: 'Only this client’s endpoints.' }), ...pageQuery })
  .strict();

const okFilter = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

export const EndpointDeliveriesQuery = z
  .object({ eventId: z.string().max(100).optional(), ok: okFilter, ...pageQuery })
  .strict();

export const EventListQuery = z
  .object({
    state: z.enum(EVENT_STATES).optional(),
    type: z.string().max(100).optional(),
    subject: z.string().max(300).optional(),
    clientId: z.string().max(64).optional(),
    ...pageQuery,
  })
  .strict();

export const DeliveryListQuery = z
  .object({
    endpointId: z.string().max(64).optional(),
    eventId: z.string().max(100).optional(),
    ok: okFilter,
    ...pageQuery,
  })
  .strict();

export const WebhookEndpointWire = z
  .object({
    id: z.string(),
    clientId: z.string().nullable(),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.string()),
    enabled: z.boolean(),
    previousSecretExpiresAt: Timestamp.nullable().meta({
      description:
        'While a rotation’s overlap lasts: until when deliveries also carry a signature of the previous secret.',
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'WebhookEndpoint' });

export const WebhookEndpointSecretWire = WebhookEndpointWire.extend({
  secret: z.string().meta({ description: '`whsec_<base64>`: shown in this answer only, never again.' }),
}).meta({ id: 'WebhookEndpointWithSecret' });

export const OutboxEventWire = z
  .object({
    id: z.string(),
    type: z.string(),
    subject: z.string(),
    clientId: z.string().nullable(),
    endpointId: z
      .string()
      .nullable()
      .meta({ description: 'Set for an event meant for one endpoint (`webhook.test`).' }),
    createdAt: Timestamp,
    state: z.enum(EVENT_STATES).meta({
      description:
        'pending: an endpoint has yet to receive it; delivered: every endpoint it was routed to has; unrouted: none was subscribed.',
    }),
    endpoints: z.object({ pending: z.number().int(), delivered: z.number().int() }),
  })
  .meta({ id: 'WebhookEvent' });

export const DeliveryWire = z
  .object({
    deliveryId: z.string(),
    endpointId: z.string().nullable(),
    eventId: z.string(),
    eventType: z.string(),
    attempt: z.number().int(),
    replay: z.boolean(),
    url: z.string(),
    ok: z.boolean(),
    statusCode: z.number().int().nullable(),
    error: z.string().nullable(),
    durationMs: z.number().int(),
    attemptedAt: Timestamp,
  })
  .meta({ id: 'WebhookDelivery' });
