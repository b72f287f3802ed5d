import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeEachBackend } from '@strongroom/testing';
import { enqueue, type WebhookEnvelope } from './outbox';
import { eventsContext } from './events.context';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookLog } from './webhook-log';
import { verifyWebhook, WEBHOOK_HEADERS } from './webhook-signature';

interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
}

/** A real HTTP receiver on loopback whose answer the test controls. */
class Receiver {
  received: Received[] = [];
  answer = 200;
  private server?: Server;
  constructor(public port = 0) {}

  async up(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({
          id: String(req.headers[WEBHOOK_HEADERS.eventId]),
          timestamp: String(req.headers[WEBHOOK_HEADERS.timestamp]),
          signature: String(req.headers[WEBHOOK_HEADERS.signature]),
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.statusCode = this.answer;
        res.end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async down(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}

const SECRET = 'whsec_test_0123456789';

describeEachBackend('webhook delivery', { contexts: [eventsContext] }, (ctx) => {
  let now = new Date('2026-11-22T00:00:00Z');
  const clock = () => now;
  const advance = (ms: number) => (now = new Date(now.getTime() + ms));

  it('delivers every event after the receiver comes back, signed, duplicates with the same id, in order per subject', async () => {
    const { db } = ctx();
    const receiver = new Receiver();
    await receiver.up();
    const port = receiver.port;
    await receiver.down(); // the receiver is down: connection refused
    const dispatcher = new WebhookDispatcher({
      db,
      url: `http://127.0.0.1:${port}/hooks`,
      secret: SECRET,
      clock,
      backoff: { baseMs: 1_000, maxMs: 60_000 },
      timeoutMs: 5_000,
    });

    // 3 subjects × 4 events each, written in committed transactions; one rolled back.
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      for (const subject of ['dep:a', 'dep:b', 'dep:c']) {
        const e = await db.transaction((tx) =>
          enqueue(tx, { type: 'deposit.seen', subject, payload: { n: i, amount: 10n ** 20n }, at: now }),
        );
        ids.push(e.id);
      }
    }
    await expect(
      db.transaction(async (tx) => {
        await enqueue(tx, { type: 'deposit.seen', subject: 'dep:z', payload: {} });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');

    const down = await dispatcher.dispatchOnce();
    expect(down).toHaveLength(3); // one per subject: the rest wait behind them
    expect(down.every((a) => !a.ok && a.statusCode === null)).toBe(true);
    expect(await dispatcher.dispatchOnce()).toHaveLength(0); // backing off

    // Up, but answering 500 after reading the body: the receiver sees them, we must send again.
    receiver.port = port;
    receiver.answer = 500;
    await receiver.up();
    advance(61_000);
    const failing = await dispatcher.dispatchOnce();
    expect(failing.map((a) => a.statusCode)).toEqual([500, 500, 500]);

    receiver.answer = 200;
    for (let round = 0; round < 20; round++) {
      advance(61_000);
      await dispatcher.dispatchOnce();
    }
    await receiver.down();

    const log = new WebhookLog(db);
    const pending = await log.events({ state: 'pending' });
    expect(pending).toEqual([]);
    const delivered = await log.events({ state: 'delivered', limit: 500 });
    expect(delivered.map((e) => e.id).sort()).toEqual([...ids].sort());

    // Every request verifies; duplicates carry the same id and the same body.
    const byId = new Map<string, Received[]>();
    for (const r of receiver.received) {
      // Checked as the receiver would at arrival (the dispatcher's clock is the test's).
      const at = new Date(Number(r.timestamp) * 1000);
      expect(
        verifyWebhook({ secret: SECRET, body: r.body, timestamp: r.timestamp, signature: r.signature, now: at }),
      ).toEqual({ ok: true });
      expect(
        verifyWebhook({ secret: 'wrong', body: r.body, timestamp: r.timestamp, signature: r.signature, now: at }).ok,
      ).toBe(false);
      expect(
        verifyWebhook({ secret: SECRET, body: r.body + ' ', timestamp: r.timestamp, signature: r.signature, now: at })
          .ok,
      ).toBe(false);
      const env = JSON.parse(r.body) as WebhookEnvelope<{ n: number; amount: string }>;
      expect(env.id).toBe(r.id);
      expect(env.data.amount).toBe('100000000000000000000');
      byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
    }
    expect([...byId.keys()].sort()).toEqual([...ids].sort());
    const dups = [...byId.values()].filter((list) => list.length > 1);
    expect(dups.length).toBe(3);
    for (const list of dups) expect(new Set(list.map((r) => r.body)).size).toBe(1);

    // Per subject, first successful receipt order follows enqueue order.
    for (const subject of ['dep:a', 'dep:b', 'dep:c']) {
      const ns = receiver.received
        .map((r) => JSON.parse(r.body) as WebhookEnvelope<{ n: number }>)
        .filter((e) => e.subject === subject)
        .map((e) => e.data.n);
      const firsts = ns.filter((n, i) => ns.indexOf(n) === i);
      expect(firsts).toEqual([0, 1, 2, 3]);
    }

    // The delivery log holds every attempt: 3 refused + 3 × 500 + 12 successes.
    const attempts = await log.deliveries({ limit: 500 });
    expect(attempts.length).toBe(18);
    expect(attempts.filter((a) => a.ok)).toHaveLength(12);
  });

  it('replays a delivered event with the same id and body, logged as a replay', async () => {
    const { db } = ctx();
    const receiver = new Receiver();
    await receiver.up();
    const dispatcher = new WebhookDispatcher({ db, url: `http://127.0.0.1:${receiver.port}/`, secret: SECRET, clock });
    const e = await db.transaction((tx) =>
      enqueue(tx, { type: 'withdrawal.settled', subject: 'wd:1', payload: { ok: true }, at: now }),
    );
    advance(1);
    const first = await dispatcher.dispatchOnce();
    expect(first.map((a) => a.eventId)).toContain(e.id);
    const again = await dispatcher.replay(e.id);
    expect(again).toMatchObject({ eventId: e.id, ok: true, replay: true, statusCode: 200 });
    await receiver.down();
    const got = receiver.received.filter((r) => r.id === e.id);
    expect(got).toHaveLength(2);
    expect(got[0].body).toBe(got[1].body);
    await expect(dispatcher.replay('evt_nope')).rejects.toMatchObject({ code: 'webhook.event_not_found' });
  });

  it('two dispatcher replicas racing deliver each event once when the receiver accepts', async () => {
    const { db } = ctx();
    const receiver = new Receiver();
    await receiver.up();
    const make = () =>
      new WebhookDispatcher({ db, url: `http://127.0.0.1:${receiver.port}/`, secret: SECRET, clock, batchSize: 7 });
    const [a, b] = [make(), make()];
    const ids = new Set<string>();
    for (let i = 0; i < 40; i++)
      ids.add(
        (
          await db.transaction((tx) =>
            enqueue(tx, { type: 'deposit.seen', subject: `race:${i % 25}`, payload: { i }, at: now }),
          )
        ).id,
      );
    advance(1);
    for (let round = 0; round < 12; round++) await Promise.all([a.dispatchOnce(), b.dispatchOnce()]);
    await receiver.down();
    const got = receiver.received.map((r) => r.id).filter((id) => ids.has(id));
    expect(got).toHaveLength(40);
    expect(new Set(got).size).toBe(40);
  });

  it('refuses stale or unsigned deliveries', () => {
    const body = '{}';
    const ts = String(Math.floor(now.getTime() / 1000));
    expect(verifyWebhook({ secret: SECRET, body, timestamp: ts, signature: undefined, now }).ok).toBe(false);
    const late = new Date(now.getTime() + 301_000);
    const sig = '0'.repeat(64);
    expect(verifyWebhook({ secret: SECRET, body, timestamp: ts, signature: sig, now: late })).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
  });
});
