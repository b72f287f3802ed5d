import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** Header names of every delivery (Standard Webhooks, https://www.standardwebhooks.com). */
export const WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/** A new endpoint secret: `whsec_` and the base64 of 32 random bytes (the HMAC key). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * The `webhook-signature` value: one `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`
 * per secret, space-separated (two while a rotation's overlap lasts, the newest first).
 */
export function signatureHeader(secrets: readonly string[], id: string, at: Date, body: string): string {
  if (secrets.length === 0) throw new Error('a delivery needs at least one secret');
  return secrets.map((s) => new Webhook(s).sign(id, at, body)).join(' ');
}

/** The three signature headers of one delivery attempt signed at `at`. */
export function webhookHeaders(secrets: readonly string[], id: string, at: Date, body: string): Record<string, string> {
  return {
    [WEBHOOK_HEADERS.id]: id,
    [WEBHOOK_HEADERS.timestamp]: String(Math.floor(at.getTime() / 1000)),
    [WEBHOOK_HEADERS.signature]: signatureHeader(secrets, id, at, body),
  };
}
