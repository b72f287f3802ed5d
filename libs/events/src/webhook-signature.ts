import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names every webhook delivery carries. */
export const WEBHOOK_HEADERS = {
  eventId: 'x-strongroom-event-id',
  eventType: 'x-strongroom-event-type',
  timestamp: 'x-strongroom-timestamp',
  signature: 'x-strongroom-webhook-signature',
} as const;

/** Hex HMAC-SHA256 over `<timestamp>.<body>`; timestamp is unix seconds as a decimal string. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export interface VerifyWebhookInput {
  secret: string;
  /** The raw request body exactly as received (not re-serialised JSON). */
  body: string | Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  /** Refuse deliveries older or newer than this (default 300 s): a captured request cannot be replayed later. */
  toleranceSeconds?: number;
  now?: Date;
}

export type WebhookVerification =
  { ok: true } | { ok: false; reason: 'missing_headers' | 'stale_timestamp' | 'bad_signature' };

/**
 * For receivers: checks a delivery's signature and freshness. Compare in constant time;
 * de-duplicate on the event id afterwards (delivery is at least once).
 */
export function verifyWebhook(input: VerifyWebhookInput): WebhookVerification {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !/^[0-9]{1,12}$/.test(timestamp) || !/^[0-9a-f]{64}$/.test(signature)) {
    return { ok: false, reason: 'missing_headers' };
  }
  const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - Number(timestamp)) > (input.toleranceSeconds ?? 300))
    return { ok: false, reason: 'stale_timestamp' };
  const body = typeof input.body === 'string' ? input.body : input.body.toString('utf8');
  const expected = Buffer.from(signWebhook(input.secret, timestamp, body), 'hex');
  const given = Buffer.from(signature, 'hex');
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'bad_signature' };
}
