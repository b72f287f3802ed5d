import { describeEachBackend } from '@strongroom/testing';
import { eventsContext } from './events.context';
import { verifiesWith } from './testing/webhook-receiver';
import { webhooksWorld } from './testing/webhooks-test-app';
import { newWebhookSecret } from './webhook-signature';

// Which endpoints receive which events: signatures that standardwebhooks' Webhook.verify accepts,
// subscriptions, clients, deployment-wide endpoints, and a failing endpoint that holds back only itself.
describeEachBackend('webhook routing to endpoints', { contexts: [eventsContext] }, (ctx) => {
  const w = webhooksWorld(ctx);
  const { receiver, drain, emit, advance } = w;
  const deposit = (type: string, id: string, clientId: string, n = 0) =>
    emit({ type, subject: `deposit:${id}`, payload: { depositId: id, clientId, amount: 10n ** 20n, n } });

  it('delivers a client’s event to its endpoint, signed so that Webhook.verify accepts it with that secret only', async () => {
    const r = await receiver();
    const endpoint = await w.api.create(w.keys.backend, { clientId: 'acme', url: r.url, description: 'main' });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const e = await deposit('deposit.credited', 'd-1', 'acme');
    expect(e.endpoints).toBe(1);
    await drain();
    expect(r.received).toHaveLength(1);
    const [got] = r.received;
    expect(got.body).toBe(e.body);
    expect(got.headers['webhook-id']).toBe(e.id);
    expect(got.headers['webhook-timestamp']).toBe(String(Math.floor(w.now().getTime() / 1000)));
    expect(String(got.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifiesWith(endpoint.secret, got)).toBe(true);
    expect(verifiesWith(newWebhookSecret(), got)).toBe(false);
    expect(verifiesWith(endpoint.secret, { ...got, body: got.body.replace('100000000000000000000', '1') })).toBe(false);
    expect(got.envelope).toMatchObject({
      id: e.id,
      type: 'deposit.credited',
      data: { amount: '100000000000000000000' },
    });
  });

  it('filters by subscription; another client’s events never arrive; deployment-wide endpoints get only events of no client', async () => {
    const [dep, settled, all, globex, wide, off] = await Promise.all([1, 2, 3, 4, 5, 6].map(() => receiver()));
    await w.api.create(w.keys.backend, { clientId: 'acme', url: dep.url, eventTypes: ['deposit.*'] });
    await w.api.create(w.keys.backend, { clientId: 'acme', url: settled.url, eventTypes: ['withdrawal.settled'] });
    await w.api.create(w.keys.backend, { clientId: 'acme', url: all.url, eventTypes: ['*'] });
    await w.api.create(w.keys.backend, { clientId: 'acme', url: off.url, enabled: false });
    await w.api.create(w.keys.admin, { clientId: 'globex', url: globex.url });
    await w.api.create(w.keys.admin, { clientId: null, url: wide.url, eventTypes: ['withdrawals.*'] });

    await deposit('deposit.seen', 'd-2', 'acme');
    await emit({ type: 'withdrawal.requested', subject: 'w-1', payload: { withdrawalId: 'w-1', clientId: 'acme' } });
    // Later withdrawal events carry no clientId: they belong to the client of the subject's first event.
    await emit({ type: 'withdrawal.held', subject: 'w-1', payload: { withdrawalId: 'w-1' } });
    await emit({ type: 'withdrawal.settled', subject: 'w-1', payload: { withdrawalId: 'w-1' } });
    await emit({ type: 'withdrawals.solvency_breaker_tripped', subject: 'asset:BTC', payload: { asset: 'BTC' } });
    await deposit('deposit.seen', 'g-1', 'globex');
    await deposit('deposits.other', 'd-3', 'acme'); // `deposit.*` is a prefix of segments, not of letters
    await drain();

    expect(dep.types()).toEqual(['deposit.seen']);
    expect(settled.types()).toEqual(['withdrawal.settled']);
    expect(all.types().sort()).toEqual(
      ['deposit.seen', 'deposits.other', 'withdrawal.requested', 'withdrawal.held', 'withdrawal.settled'].sort(),
    );
    expect(all.types().filter((t) => t.startsWith('withdrawal.'))).toEqual([
      'withdrawal.requested',
      'withdrawal.held',
      'withdrawal.settled',
    ]);
    expect(globex.received.map((r) => r.envelope.subject)).toEqual(['deposit:g-1']);
    expect(wide.types()).toEqual(['withdrawals.solvency_breaker_tripped']);
    expect(off.received).toEqual([]);
    const seen = [dep, settled, all, off].flatMap((r) => r.received.map((x) => x.envelope.subject));
    expect(seen).not.toContain('deposit:g-1');
    expect(seen).not.toContain('asset:BTC');
  });

  it('a failing endpoint holds back only its own later events of a subject, never another endpoint’s', async () => {
    const [failing, healthy] = [await receiver(), await receiver()];
    failing.answer = 500;
    await w.api.create(w.keys.backend, { clientId: 'acme', url: failing.url, eventTypes: ['deposit.*'] });
    await w.api.create(w.keys.backend, { clientId: 'acme', url: healthy.url, eventTypes: ['deposit.*'] });
    for (const [n, type] of ['deposit.seen', 'deposit.confirming', 'deposit.credited'].entries())
      await deposit(type, 'd-4', 'acme', n);
    await deposit('deposit.seen', 'd-5', 'acme');
    await drain();

    // The healthy endpoint has everything, in order per subject; the failing one was tried with the
    // oldest event of each subject only.
    expect(healthy.received.filter((r) => r.envelope.subject === 'deposit:d-4').map((r) => r.envelope.type)).toEqual([
      'deposit.seen',
      'deposit.confirming',
      'deposit.credited',
    ]);
    expect(healthy.received.map((r) => r.envelope.subject)).toContain('deposit:d-5');
    expect(failing.received.map((r) => `${r.envelope.subject} ${r.envelope.type}`).sort()).toEqual([
      'deposit:d-4 deposit.seen',
      'deposit:d-5 deposit.seen',
    ]);
    advance(5);
    await drain();
    expect(failing.received.filter((r) => r.envelope.type !== 'deposit.seen')).toEqual([]);
    expect(healthy.received).toHaveLength(4); // nothing is sent twice to the endpoint that took it

    failing.answer = 200;
    for (let i = 0; i < 4; i++) {
      advance(5);
      await drain();
    }
    const d4 = failing.received.filter((r) => r.envelope.subject === 'deposit:d-4').map((r) => r.envelope.type);
    expect(d4.filter((t, i) => d4.indexOf(t) === i)).toEqual([
      'deposit.seen',
      'deposit.confirming',
      'deposit.credited',
    ]);
    const pending = await w.api.json<{ data: unknown[] }>(w.keys.admin, 'GET', '/v1/webhooks/events?state=pending');
    expect(pending.body.data).toEqual([]);
  });
});
