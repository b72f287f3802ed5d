import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { WebhookEnvelope } from '../outbox';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  /** The raw body, as received. */
  body: string;
  envelope: WebhookEnvelope;
}

/**
 * A real HTTP receiver on loopback for specs: records every POST to `/hooks` and answers
 * `answer` (anything else is 404 and not recorded: the contract check asks each origin for its
 * `/docs-json`). `down()` then `up()` again on the same port makes it refuse connections meanwhile.
 */
export class WebhookReceiver {
  received: ReceivedWebhook[] = [];
  answer = 200;
  private server?: Server;

  constructor(public port = 0) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async up(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/hooks') {
          res.statusCode = 404;
          res.end();
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push({ headers: req.headers, body, envelope: JSON.parse(body) as WebhookEnvelope });
        res.statusCode = this.answer;
        res.end();
      });
    });
    this.server = server;
    await new Promise<void>((r) => server.listen(this.port, '127.0.0.1', r));
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async down(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  /** Types of what arrived, in order of arrival. */
  types(): string[] {
    return this.received.map((r) => r.envelope.type);
  }
}

/** True when `Webhook.verify` of the `standardwebhooks` package accepts the delivery with `secret`. */
export function verifiesWith(secret: string, r: ReceivedWebhook): boolean {
  try {
    new Webhook(secret).verify(r.body, {
      'webhook-id': String(r.headers['webhook-id']),
      'webhook-timestamp': String(r.headers['webhook-timestamp']),
      'webhook-signature': String(r.headers['webhook-signature']),
    });
    return true;
  } catch {
    return false;
  }
}
