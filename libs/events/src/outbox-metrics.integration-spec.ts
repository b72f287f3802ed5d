import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeEachBackend } from '@strongroom/testing';
import { eventsContext } from './events.context';
import { enqueue } from './outbox';
import { outboxOldestUndeliveredAge, outboxUndelivered } from './outbox-metrics';
import { WebhookDispatcher } from './webhook-dispatcher';

const gauge = async (g: typeof outboxUndelivered): Promise<number> => (await g.get()).values[0]?.value ?? -1;

describeEachBackend('webhook backlog metrics', { contexts: [eventsContext] }, (ctx) => {
  let server: Server;
  let answer = 500;
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.statusCode = answer;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });
  afterAll(async () => new Promise<void>((r) => server.close(() => r())));

  it('a failing receiver leaves the event in the backlog (count 1, aging); once delivered the backlog is 0', async () => {
    const { db } = ctx();
    let now = new Date('2026-12-02T10:00:00Z');
    const dispatcher = new WebhookDispatcher({
      db,
      url,
      secret: 'whsec_test',
      clock: () => now,
      backoff: { baseMs: 1_000, maxMs: 10_000 },
      random: () => 1,
    });
    await db.transaction((tx) =>
      enqueue(tx, { type: 'deposit.credited', subject: 'dep-1', payload: { amount: 1n }, at: now }),
    );

    answer = 500;
    now = new Date(now.getTime() + 30_000);
    const failed = await dispatcher.dispatchOnce();
    expect(failed.map((a) => a.ok)).toEqual([false]);
    expect(await gauge(outboxUndelivered)).toBe(1);
    expect(await gauge(outboxOldestUndeliveredAge)).toBe(30);

    answer = 200;
    now = new Date(now.getTime() + 60_000);
    const delivered = await dispatcher.dispatchOnce();
    expect(delivered.map((a) => a.ok)).toEqual([true]);
    expect(await gauge(outboxUndelivered)).toBe(0);
    expect(await gauge(outboxOldestUndeliveredAge)).toBe(0);
  });
});
