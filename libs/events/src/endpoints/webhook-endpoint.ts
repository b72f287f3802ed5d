/** A webhook endpoint as the API shows it: never its secret, which is returned once, at creation and rotation. */
export interface WebhookEndpoint {
  id: string;
  /** Null: a deployment-wide endpoint, for events that belong to no client. */
  clientId: string | null;
  url: string;
  description: string;
  /** Subscriptions: `*`, an exact type, or a prefix `deposit.*`; empty = every type. */
  eventTypes: string[];
  enabled: boolean;
  /** While a rotation's overlap lasts, deliveries are signed with the previous secret too, until then. */
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookEndpointWithSecret extends WebhookEndpoint {
  /** `whsec_…`: shown in this answer only. */
  secret: string;
}

export interface NewWebhookEndpoint {
  clientId: string | null;
  url: string;
  description?: string;
  eventTypes?: string[];
  enabled?: boolean;
}

export type WebhookEndpointChange = Partial<Pick<WebhookEndpoint, 'url' | 'description' | 'eventTypes' | 'enabled'>>;

/** A subscription pattern: `*`, a dotted type, or a dotted prefix and `.*`. */
export const EVENT_TYPE_PATTERN = /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+)$/;

/** The row of `events.endpoints` (secrets are read by the dispatcher's claim only). */
export interface EndpointRow {
  seq: string;
  id: string;
  client_id: string | null;
  url: string;
  description: string;
  event_types: string[];
  enabled: boolean;
  previous_secret_expires_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

/** Every column of an endpoint but its secrets. */
export const ENDPOINT_COLUMNS =
  'seq, id, client_id, url, description, event_types, enabled, previous_secret_expires_at, created_at, updated_at';

export function endpointOf(r: EndpointRow, now: Date): WebhookEndpoint {
  const expires = r.previous_secret_expires_at === null ? null : new Date(r.previous_secret_expires_at);
  return {
    id: r.id,
    clientId: r.client_id,
    url: r.url,
    description: r.description,
    eventTypes: [...r.event_types],
    enabled: r.enabled === true,
    previousSecretExpiresAt: expires && expires > now ? expires : null,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}
