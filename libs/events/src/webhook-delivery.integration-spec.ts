import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureClient, type Principal } from '@strongroom/api-auth';
import { AuditLog } from '@strongroom/audit';
import { describeEachBackend } from '@strongroom/testing';
import { outboxOldestUndeliveredAge, outboxUndelivered } from './delivery/outbox-metrics';
import { WebhookDispatcher, type WebhookDispatcherOptions } from './delivery/webhook-dispatcher';
import { WebhookLog } from './delivery/webhook-log';
import { WebhookEndpoints } from './endpoints/webhook-endpoints.service';
import { eventsContext } from './events.context';
import { enqueue } from './outbox';
import { WebhookReceiver, verifiesWith } from './testing/webhook-receiver';

const ADMIN: Principal = { keyId: 'srk_test', name: 'test', role: 'admin', owner: 'ops', clients: 'all' };
const gauge = async (g: typeof outboxUndelivered): Promise<number> => (await g.get()).values[0]?.value ?? -1;

// The dispatcher against real receivers on loopback: retries with backoff until delivered, every
// attempt logged, per-subject order, replicas, disabled and deleted endpoints, the backlog gauges.
describeEachBackend('webhook delivery', { contexts: [eventsContext] }, (ctx) => {
  let now = new Date(); // real time moved forward: Webhook.verify checks freshness against the real clock
  const clock = () => now;
  const advance = (ms: number) => (now = new Date(now.getTime() + ms));
  let endpoints: WebhookEndpoints;
  const dispatcher = (o: Partial<WebhookDispatcherOptions> = {}) =>
    new WebhookDispatcher({ db: ctx().db, clock, backoff: { baseMs: 1_000, maxMs: 8_000 }, timeoutMs: 5_000, ...o });
  const emit = (subject: string, payload: Record<string, unknown> = {}, clientId = 'acme') =>
    ctx().db.transaction((tx) => enqueue(tx, { type: 'deposit.seen', subject, payload, clientId, at: now }));

  beforeAll(async () => {
    const { db } = ctx();
    await ensureClient(db, { id: 'acme', name: 'Acme', custody: 'pooled' });
    endpoints = new WebhookEndpoints(db, new AuditLog(db), clock);
  });

  it('delivers every event after the receiver comes back, duplicates with the same id and body, in order per subject, every attempt logged', async () => {
    const receiver = await new WebhookReceiver().up();
    await receiver.down(); // down: connection refused
    const endpoint = await endpoints.create(ADMIN, { clientId: 'acme', url: receiver.url });
    const d = dispatcher();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      for (const subject of ['dep:a', 'dep:b', 'dep:c'])
        ids.push((await emit(subject, { n: i, amount: 10n ** 20n })).id);
    await expect(
      ctx().db.transaction(async (tx) => {
        await enqueue(tx, { type: 'deposit.seen', subject: 'dep:z', payload: {}, clientId: 'acme' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');

    const refused = await d.dispatchOnce();
    expect(refused).toHaveLength(3); // the oldest of each subject: the rest wait behind them
    expect(refused.every((a) => !a.ok && a.statusCode === null)).toBe(true);
    expect(await d.dispatchOnce()).toHaveLength(0); // backing off

    receiver.answer = 500; // up, but failing after reading the body: it sees them, we must send again
    await receiver.up();
    advance(10_000);
    expect((await d.dispatchOnce()).map((a) => a.statusCode)).toEqual([500, 500, 500]);
    receiver.answer = 200;
    for (let round = 0; round < 10; round++) {
      advance(10_000);
      await d.dispatchOnce();
    }
    await receiver.down();

    const log = new WebhookLog(ctx().db);
    expect((await log.events({ state: 'pending', limit: 100 })).data).toEqual([]);
    const byId = new Map<string, string[]>();
    for (const r of receiver.received) {
      expect(verifiesWith(endpoint.secret, r)).toBe(true);
      byId.set(r.envelope.id, [...(byId.get(r.envelope.id) ?? []), r.body]);
    }
    expect([...byId.keys()].sort()).toEqual([...ids].sort());
    const dups = [...byId.values()].filter((bodies) => bodies.length > 1);
    expect(dups).toHaveLength(3); // the three answered 500
    for (const bodies of dups) expect(new Set(bodies).size).toBe(1);
    for (const subject of ['dep:a', 'dep:b', 'dep:c']) {
      const ns = receiver.received.filter((r) => r.envelope.subject === subject).map((r) => r.envelope.data.n);
      expect(ns.filter((n, i) => ns.indexOf(n) === i)).toEqual([0, 1, 2, 3]);
    }
    const attempts = await log.deliveries({ endpointId: endpoint.id, limit: 500 });
    expect(attempts.data).toHaveLength(3 + 3 + 12); // refused, 500, delivered
    expect(attempts.data.filter((a) => a.ok)).toHaveLength(12);
  });

  it('two dispatcher replicas racing deliver each message once when the receivers accept', async () => {
    const [a, b] = [await new WebhookReceiver().up(), await new WebhookReceiver().up()];
    for (const r of [a, b]) await endpoints.create(ADMIN, { clientId: 'acme', url: r.url, eventTypes: ['deposit.*'] });
    const [one, two] = [dispatcher({ batchSize: 7, perEndpoint: 4 }), dispatcher({ batchSize: 7, perEndpoint: 4 })];
    const ids = new Set<string>();
    for (let i = 0; i < 40; i++) ids.add((await emit(`race:${i % 25}`, { i })).id);
    for (let round = 0; round < 16; round++) await Promise.all([one.dispatchOnce(), two.dispatchOnce()]);
    for (const r of [a, b]) {
      await r.down();
      const got = r.received.map((x) => x.envelope.id).filter((id) => ids.has(id));
      expect(got).toHaveLength(40);
      expect(new Set(got).size).toBe(40);
    }
  });

  it('holds a disabled endpoint’s messages until it is enabled; a deleted endpoint is sent nothing more', async () => {
    const [paused, gone] = [await new WebhookReceiver().up(), await new WebhookReceiver().up()];
    const p = await endpoints.create(ADMIN, { clientId: 'acme', url: paused.url, eventTypes: ['deposit.seen'] });
    const g = await endpoints.create(ADMIN, { clientId: 'acme', url: gone.url, eventTypes: ['deposit.seen'] });
    gone.answer = 503;
    const d = dispatcher();
    await emit('hold:1', { n: 1 });
    await endpoints.update(ADMIN, p.id, { enabled: false });
    await emit('hold:1', { n: 2 }); // disabled when enqueued: never routed to it
    await d.dispatchOnce();
    expect(paused.received).toEqual([]);
    expect(gone.received).toHaveLength(1);
    await endpoints.remove(ADMIN, g.id);
    await endpoints.update(ADMIN, p.id, { enabled: true });
    advance(10_000);
    await d.dispatchOnce();
    await d.dispatchOnce();
    expect(paused.received.map((r) => r.envelope.data.n)).toEqual([1]);
    expect(gone.received).toHaveLength(1);
    await Promise.all([paused.down(), gone.down()]);
  });

  it('a slow endpoint occupies only its own slots of the running loop', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const slow = createServer((req, res) => {
      req.resume();
      void held.then(() => res.end());
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const fast = await new WebhookReceiver().up();
    const slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/hooks`;
    await endpoints.create(ADMIN, { clientId: 'acme', url: slowUrl, eventTypes: ['slow.*'] });
    await endpoints.create(ADMIN, { clientId: 'acme', url: fast.url, eventTypes: ['fast.*'] });
    for (let i = 0; i < 3; i++)
      await ctx().db.transaction((tx) =>
        enqueue(tx, { type: 'slow.thing', subject: `slow:${i}`, payload: {}, clientId: 'acme', at: now }),
      );
    const d = dispatcher({ idleMs: 20, timeoutMs: 30_000 });
    d.start();
    for (let i = 0; i < 5; i++) {
      await ctx().db.transaction((tx) =>
        enqueue(tx, { type: 'fast.thing', subject: `fast:${i}`, payload: {}, clientId: 'acme', at: now }),
      );
      d.poke();
    }
    // Delivered while the three requests to the slow endpoint are still waiting for an answer.
    for (let waited = 0; fast.received.length < 5; waited += 20) {
      if (waited > 10_000) throw new Error(`the fast endpoint got ${fast.received.length} of 5`);
      await new Promise((r) => setTimeout(r, 20));
    }
    release();
    await d.stop();
    await new Promise<void>((r) => slow.close(() => r()));
    await fast.down();
  });

  it('reports the backlog of enabled endpoints: count and age, 0 once delivered', async () => {
    await ctx().db.query(`UPDATE events.endpoints SET enabled = false`);
    const r = await new WebhookReceiver().up();
    await endpoints.create(ADMIN, { clientId: 'acme', url: r.url, eventTypes: ['metric.*'] });
    r.answer = 500;
    const d = dispatcher({ random: () => 1 });
    await ctx().db.transaction((tx) =>
      enqueue(tx, { type: 'metric.thing', subject: 'm-1', payload: {}, clientId: 'acme', at: now }),
    );
    advance(30_000);
    expect((await d.dispatchOnce()).map((a) => a.ok)).toEqual([false]);
    expect(await gauge(outboxUndelivered)).toBe(1);
    expect(await gauge(outboxOldestUndeliveredAge)).toBe(30);
    r.answer = 200;
    advance(10_000);
    expect((await d.dispatchOnce()).map((a) => a.ok)).toEqual([true]);
    expect(await gauge(outboxUndelivered)).toBe(0);
    expect(await gauge(outboxOldestUndeliveredAge)).toBe(0);
    await r.down();
  });
});
