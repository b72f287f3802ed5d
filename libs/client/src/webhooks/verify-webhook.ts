import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/** The envelope every Strongroom webhook delivers; `data` depends on `type`. */
export interface StrongroomWebhookEvent<T = Record<string, unknown>> {
  id: string;
  /** Dotted type such as `deposit.credited` or `withdrawal.settled`. */
  type: string;
  subject: string;
  createdAt: string;
  data: T;
}

export type WebhookFailure = 'missing_headers' | 'stale_timestamp' | 'bad_signature' | 'invalid_payload';

/** A delivery that must not be acted on; `reason` says why. */
export class StrongroomWebhookError extends Error {
  override readonly name = 'StrongroomWebhookError';

  constructor(
    readonly reason: WebhookFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Request headers as Node (`req.headers`), fetch (`Headers`) or a plain record give them. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

const NAMES = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

function headerValues(headers: WebhookHeaders): Record<(typeof NAMES)[number], string> | undefined {
  const get = (name: string): string | string[] | undefined => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    return key === undefined ? undefined : headers[key];
  };
  const out: Partial<Record<(typeof NAMES)[number], string>> = {};
  for (const name of NAMES) {
    const value = get(name);
    // Several signatures are one space-separated list; a repeated id or timestamp is ambiguous.
    const one = Array.isArray(value)
      ? name === 'webhook-signature'
        ? value.join(' ')
        : value.length === 1
          ? value[0]
          : undefined
      : value;
    if (!one) return undefined;
    out[name] = one;
  }
  if (!/^\d{1,12}$/.test(out['webhook-timestamp'] ?? '')) return undefined;
  return out as Record<(typeof NAMES)[number], string>;
}

function parseEnvelope<E>(bytes: Uint8Array): E {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new StrongroomWebhookError('invalid_payload', 'the webhook body is signed but is not UTF-8 JSON');
  }
  const e = value as Partial<StrongroomWebhookEvent<unknown>> | null;
  const ok =
    typeof e === 'object' &&
    e !== null &&
    ['id', 'type', 'subject', 'createdAt'].every((k) => typeof (e as Record<string, unknown>)[k] === 'string') &&
    typeof e.data === 'object' &&
    e.data !== null;
  if (!ok)
    throw new StrongroomWebhookError(
      'invalid_payload',
      'the webhook body is not an event { id, type, subject, createdAt, data }',
    );
  return value as E;
}

const verifiers = (secrets: string | readonly string[]): Webhook[] => {
  const list = typeof secrets === 'string' ? [secrets] : [...secrets];
  if (list.length === 0) throw new TypeError('verifyWebhook needs at least one secret');
  return list.map((secret, i) => {
    try {
      return new Webhook(secret);
    } catch (err) {
      throw new TypeError(
        `webhook secret #${i + 1} is not a Standard Webhooks secret (whsec_ + base64): ${(err as Error).message}`,
      );
    }
  });
};

/**
 * Returns a verifier for the given secrets; see `verifyWebhook`. Builds the keys once, so a
 * malformed secret fails at start-up rather than on the first delivery.
 */
export function webhookVerifier<E = StrongroomWebhookEvent>(
  secrets: string | readonly string[],
): (rawBody: string | Uint8Array, headers: WebhookHeaders) => E {
  const keys = verifiers(secrets);
  return (rawBody, headers) => {
    if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array))
      throw new TypeError('verifyWebhook needs the raw body (string or bytes) as received, not parsed JSON');
    const bytes = typeof rawBody === 'string' ? new TextEncoder().encode(rawBody) : rawBody;
    const values = headerValues(headers);
    if (!values)
      throw new StrongroomWebhookError(
        'missing_headers',
        `a webhook needs the headers ${NAMES.join(', ')} (webhook-timestamp in unix seconds)`,
      );
    let lastError: unknown;
    for (const key of keys) {
      try {
        key.verify(bytes, values, { jsonParse: false });
        return parseEnvelope<E>(bytes);
      } catch (err) {
        if (!(err instanceof WebhookVerificationError)) throw err;
        if (/timestamp too (old|new)/.test(err.message)) {
          throw new StrongroomWebhookError(
            'stale_timestamp',
            `webhook-timestamp is not within 5 minutes of now: ${err.message}`,
          );
        }
        lastError = err;
      }
    }
    throw new StrongroomWebhookError(
      'bad_signature',
      `no webhook-signature matches any of the ${keys.length} secret${keys.length === 1 ? '' : 's'}: ${(lastError as Error).message}`,
    );
  };
}

/**
 * Checks a Standard Webhooks delivery (`webhook-id`, `webhook-timestamp`, `webhook-signature`)
 * against one secret or several (during a rotation, the old and the new), and returns the event.
 * Pass the body exactly as received. Throws StrongroomWebhookError for a delivery not to act on.
 * Delivery is at least once: de-duplicate on the event id.
 */
export function verifyWebhook<E = StrongroomWebhookEvent>(
  secrets: string | readonly string[],
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
): E {
  return webhookVerifier<E>(secrets)(rawBody, headers);
}
