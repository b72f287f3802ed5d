import { describeEachBackend } from '@strongroom/testing';
import { eventsContext } from './events.context';
import { verifiesWith } from './testing/webhook-receiver';
import { webhooksWorld, type CreatedEndpoint } from './testing/webhooks-test-app';
import { WebhookTestPayload } from './webhook-event-schemas';

interface Problem {
  code: string;
}
interface Delivery {
  deliveryId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  replay: boolean;
  ok: boolean;
  statusCode: number | null;
}
interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

// Endpoint management over HTTP: who may do what, secrets shown once, rotation with an overlap,
// test events, the delivery log, replays. Every answer is checked against the served document.
describeEachBackend('webhook endpoints over HTTP', { contexts: [eventsContext] }, (ctx) => {
  const w = webhooksWorld(ctx);
  const { keys, receiver, drain, advance } = w;
  const emit = (type: string, id: string, clientId = 'acme') =>
    w.emit({ type, subject: `deposit:${id}`, payload: { depositId: id, clientId } });
  const code = async (res: Promise<Response>) => {
    const r = await res;
    return `${r.status} ${((await r.json()) as Problem).code}`;
  };

  it('lets a backend key manage its clients’ endpoints only, auditors read, others nothing; the secret is shown once', async () => {
    const r = await receiver();
    const mine = await w.api.create(keys.backend, { clientId: 'acme', url: r.url, eventTypes: ['deposit.*'] });
    const theirs = await w.api.create(keys.globex, { clientId: 'globex', url: r.url });
    const path = `/v1/webhooks/endpoints/${mine.id}`;
    const body = { clientId: 'globex', url: r.url };
    expect(await code(w.api.call(keys.backend, 'POST', '/v1/webhooks/endpoints', body))).toBe(
      '403 auth.forbidden_client',
    );
    expect(await code(w.api.call(keys.backend, 'POST', '/v1/webhooks/endpoints', { ...body, clientId: null }))).toBe(
      '403 auth.forbidden_client',
    );
    expect(await code(w.api.call(keys.auditor, 'POST', '/v1/webhooks/endpoints', { ...body, clientId: 'acme' }))).toBe(
      '403 auth.forbidden_role',
    );
    expect(await code(w.api.call(keys.approver, 'GET', '/v1/webhooks/endpoints'))).toBe('403 auth.forbidden_role');
    expect(await code(w.api.call(keys.backend, 'GET', '/v1/webhooks/endpoints?clientId=globex'))).toBe(
      '403 auth.forbidden_client',
    );
    for (const [method, suffix] of [
      ['GET', ''],
      ['PATCH', ''],
      ['DELETE', ''],
      ['POST', '/rotate-secret'],
      ['POST', '/test'],
      ['GET', '/deliveries'],
    ] as const) {
      const res = w.api.call(
        keys.backend,
        method,
        `/v1/webhooks/endpoints/${theirs.id}${suffix}`,
        method === 'PATCH' ? { enabled: false } : method === 'POST' ? {} : undefined,
      );
      expect(`${method}${suffix} ${await code(res)}`).toBe(`${method}${suffix} 404 webhook.endpoint_not_found`);
    }
    expect(await code(w.api.call(keys.auditor, 'PATCH', path, { enabled: false }))).toBe('403 auth.forbidden_role');

    const listed = await w.api.json<Page<Record<string, unknown>>>(keys.backend, 'GET', '/v1/webhooks/endpoints');
    expect(listed.body.data.map((e) => e.id)).toEqual([mine.id]);
    expect(listed.body.nextCursor).toBeNull();
    const read = await w.api.json<Record<string, unknown>>(keys.auditor, 'GET', path);
    expect(read.body).toMatchObject({ id: mine.id, clientId: 'acme', eventTypes: ['deposit.*'], enabled: true });
    expect(read.body).not.toHaveProperty('secret');
    const all = await w.api.json<Page<{ id: string }>>(keys.admin, 'GET', '/v1/webhooks/endpoints?limit=1');
    expect(all.body.data.map((e) => e.id)).toEqual([mine.id]);
    const next = await w.api.json<Page<{ id: string }>>(
      keys.admin,
      'GET',
      `/v1/webhooks/endpoints?limit=1&cursor=${all.body.nextCursor}`,
    );
    expect(next.body.data.map((e) => e.id)).toEqual([theirs.id]);

    // Changes are audited without the secret; the secret is in no answer but the creation's.
    const audit = await ctx().db.query<{ action: string; payload: unknown }>(
      `SELECT action, payload FROM audit.entries WHERE subject_id = $1 ORDER BY id`,
      [mine.id],
    );
    expect(audit.map((a) => a.action)).toEqual(['webhook_endpoint.created']);
    expect(JSON.stringify(audit)).not.toContain(mine.secret.slice(6));
  });

  it('changes and deletes an endpoint; refuses bad input with 400 and an unknown client with 404', async () => {
    const r = await receiver();
    const e = await w.api.create(keys.backend, { clientId: 'acme', url: r.url });
    const path = `/v1/webhooks/endpoints/${e.id}`;
    const changed = await w.api.json<Record<string, unknown>>(keys.backend, 'PATCH', path, {
      description: 'ledger sync',
      eventTypes: ['withdrawal.settled', 'deposit.*', 'deposit.*'],
    });
    expect(changed.body).toMatchObject({ description: 'ledger sync', eventTypes: ['deposit.*', 'withdrawal.settled'] });
    const bad: [string, string, unknown][] = [
      ['POST', '/v1/webhooks/endpoints', { clientId: 'acme', url: 'ftp://hooks.example/x' }],
      ['POST', '/v1/webhooks/endpoints', { clientId: 'acme', url: 'https://user:pw@hooks.example/x' }],
      ['POST', '/v1/webhooks/endpoints', { clientId: 'acme', url: r.url, eventTypes: ['deposit*'] }],
      ['POST', '/v1/webhooks/endpoints', { clientId: 'acme', url: r.url, extra: 1 }],
      ['POST', '/v1/webhooks/endpoints', { url: r.url }],
      ['PATCH', path, {}],
      ['POST', `${path}/rotate-secret`, { overlapSeconds: 7 * 24 * 3600 + 1 }],
    ];
    for (const [method, p, body] of bad)
      expect(`${JSON.stringify(body)} ${await code(w.api.call(keys.backend, method, p, body))}`).toBe(
        `${JSON.stringify(body)} 400 request.invalid`,
      );
    expect(
      await code(w.api.call(keys.admin, 'POST', '/v1/webhooks/endpoints', { clientId: 'nobody', url: r.url })),
    ).toBe('404 client.not_found');
    expect((await w.api.call(keys.backend, 'DELETE', path)).status).toBe(204);
    expect(await code(w.api.call(keys.backend, 'GET', path))).toBe('404 webhook.endpoint_not_found');
    expect(await code(w.api.call(keys.backend, 'DELETE', path))).toBe('404 webhook.endpoint_not_found');
    const [row] = await ctx().db.query<{ secret: string | null }>(`SELECT secret FROM events.endpoints WHERE id = $1`, [
      e.id,
    ]);
    expect(row.secret).toBeNull(); // erased with the endpoint
  });

  it('rotates a secret: during the overlap deliveries verify with the old and the new secret, after it only with the new', async () => {
    const r = await receiver();
    const e = await w.api.create(keys.backend, { clientId: 'acme', url: r.url });
    const path = `/v1/webhooks/endpoints/${e.id}`;
    await emit('deposit.seen', 'rot-1');
    await drain();
    const rotated = await w.api.json<CreatedEndpoint>(keys.backend, 'POST', `${path}/rotate-secret`, {
      overlapSeconds: 60,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(e.secret);
    expect(rotated.body.previousSecretExpiresAt).toBe(new Date(w.now().getTime() + 60_000).toISOString());

    await emit('deposit.confirming', 'rot-1');
    await drain();
    advance(61);
    await emit('deposit.credited', 'rot-1');
    await drain();
    const [before, during, after] = r.received;
    expect([before, during, after].map((x) => x.envelope.type)).toEqual([
      'deposit.seen',
      'deposit.confirming',
      'deposit.credited',
    ]);
    expect([verifiesWith(e.secret, before), verifiesWith(rotated.body.secret, before)]).toEqual([true, false]);
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect([verifiesWith(e.secret, during), verifiesWith(rotated.body.secret, during)]).toEqual([true, true]);
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect([verifiesWith(e.secret, after), verifiesWith(rotated.body.secret, after)]).toEqual([false, true]);
    const read = await w.api.json<{ previousSecretExpiresAt: string | null }>(keys.backend, 'GET', path);
    expect(read.body.previousSecretExpiresAt).toBeNull();
    const [row] = await ctx().db.query<{ previous_secret: string | null }>(
      `SELECT previous_secret FROM events.endpoints WHERE id = $1`,
      [e.id],
    );
    expect(row.previous_secret).toBeNull(); // erased once its overlap ended

    // No overlap: replaced at once.
    const again = await w.api.json<CreatedEndpoint>(keys.backend, 'POST', `${path}/rotate-secret`, {
      overlapSeconds: 0,
    });
    expect(again.body.previousSecretExpiresAt).toBeNull();
    await emit('deposit.seen', 'rot-2');
    await drain();
    const last = r.received[r.received.length - 1];
    expect([verifiesWith(rotated.body.secret, last), verifiesWith(again.body.secret, last)]).toEqual([false, true]);
  });

  it('sends a test event to one endpoint; logs every attempt per endpoint; replays with the same id and body', async () => {
    const [a, b] = [await receiver(), await receiver()];
    const ea = await w.api.create(keys.backend, { clientId: 'acme', url: a.url, eventTypes: ['deposit.*'] });
    await w.api.create(keys.backend, { clientId: 'acme', url: b.url, eventTypes: ['*'] });
    const path = `/v1/webhooks/endpoints/${ea.id}`;
    const test = await w.api.json<{ id: string; type: string; endpointId: string; state: string }>(
      keys.backend,
      'POST',
      `${path}/test`,
    );
    expect(test.status).toBe(202);
    expect(test.body).toMatchObject({ type: 'webhook.test', endpointId: ea.id, state: 'pending' });
    await drain();
    expect(a.types()).toEqual(['webhook.test']);
    expect(b.received.filter((x) => x.envelope.type === 'webhook.test')).toEqual([]);
    expect(WebhookTestPayload.parse(a.received[0].envelope.data)).toEqual({
      endpointId: ea.id,
      requestedBy: keys.backend.keyId,
    });
    expect(verifiesWith(ea.secret, a.received[0])).toBe(true);

    a.answer = 500;
    const e = await emit('deposit.credited', 'log-1');
    await drain();
    a.answer = 200;
    advance(5);
    await drain();
    const log = await w.api.json<Page<Delivery>>(keys.auditor, 'GET', `${path}/deliveries`);
    expect(log.body.data.map((d) => [d.eventType, d.attempt, d.ok, d.statusCode, d.replay])).toEqual([
      ['deposit.credited', 2, true, 200, false],
      ['deposit.credited', 1, false, 500, false],
      ['webhook.test', 1, true, 200, false],
    ]);
    const page1 = await w.api.json<Page<Delivery>>(keys.backend, 'GET', `${path}/deliveries?limit=2&ok=true`);
    expect(page1.body.data.map((d) => d.eventType)).toEqual(['deposit.credited', 'webhook.test']);
    expect(page1.body.nextCursor).toBeNull();

    const replay = await w.api.json<Delivery>(keys.backend, 'POST', `${path}/events/${e.id}/replay`);
    expect(replay.body).toMatchObject({ eventId: e.id, attempt: 3, replay: true, ok: true, statusCode: 200 });
    const copies = a.received.filter((x) => x.headers['webhook-id'] === e.id);
    expect(copies).toHaveLength(3);
    expect(new Set(copies.map((x) => x.body))).toEqual(new Set([e.body]));
    expect(verifiesWith(ea.secret, copies[2])).toBe(true);
    const other = await emit('deposit.seen', 'log-2', 'globex');
    expect(await code(w.api.call(keys.backend, 'POST', `${path}/events/${other.id}/replay`))).toBe(
      '404 webhook.event_not_found',
    );

    expect((await w.api.call(keys.backend, 'PATCH', path, { enabled: false })).status).toBe(200);
    expect(await code(w.api.call(keys.backend, 'POST', `${path}/test`))).toBe('409 webhook.endpoint_disabled');
    expect(await code(w.api.call(keys.backend, 'POST', `${path}/events/${e.id}/replay`))).toBe(
      '409 webhook.endpoint_disabled',
    );
  });

  it('keeps the outbox and every endpoint’s attempts for admins only, as pages', async () => {
    expect(await code(w.api.call(keys.backend, 'GET', '/v1/webhooks/events'))).toBe('403 auth.forbidden_role');
    expect(await code(w.api.call(keys.auditor, 'GET', '/v1/webhooks/deliveries'))).toBe('403 auth.forbidden_role');
    type EventView = { id: string; clientId: string | null; state: string; endpoints: object };
    const globex = await w.api.json<Page<EventView>>(keys.admin, 'GET', '/v1/webhooks/events?clientId=globex');
    expect(globex.body.data.map((e) => [e.clientId, e.state, e.endpoints])).toEqual([
      ['globex', 'pending', { pending: 1, delivered: 0 }], // the replay spec's event, not dispatched since
    ]);
    const nobody = await w.emit({ type: 'withdrawals.solvency_breaker_cleared', subject: 'asset:ETH', payload: {} });
    const unrouted = await w.api.json<Page<EventView>>(keys.admin, 'GET', '/v1/webhooks/events?state=unrouted');
    expect(unrouted.body.data.map((e) => e.id)).toEqual([nobody.id]);
    const first = await w.api.json<Page<Delivery>>(keys.admin, 'GET', '/v1/webhooks/deliveries?limit=2');
    const second = await w.api.json<Page<Delivery>>(
      keys.admin,
      'GET',
      `/v1/webhooks/deliveries?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(Number(second.body.data[0].deliveryId)).toBeLessThan(Number(first.body.data[1].deliveryId));
    expect(await code(w.api.call(keys.admin, 'GET', '/v1/webhooks/deliveries?cursor=nonsense'))).toBe(
      '400 request.invalid_cursor',
    );
  });
});
