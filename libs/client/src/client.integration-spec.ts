import type { ServerResponse } from 'node:http';
import { createApiClient } from './client';
import type { RetryOptions } from './http/retry-policy';
import { StrongroomNetworkError } from './http/signed-fetch';
import { pages, paginate } from './pagination';
import { isProblem, StrongroomProblemError, unwrap, UNEXPECTED_RESPONSE } from './problem-error';
import {
  sendJson,
  sendProblem,
  startCheckingServer,
  type CheckingServer,
  type ReceivedRequest,
} from './testing/signature-checking-server';
import type { TestPaths, Withdrawal } from './testing/test-paths';

const CREDS = { keyId: 'srk_00112233445566778899aabb', secret: 'srs_client-spec-secret' };
const WITHDRAWALS: Withdrawal[] = [1, 2, 3, 4, 5].map((n) => ({
  id: `w-${n}`,
  clientId: 'ex a/é',
  amount: `${n}0000`,
}));

/** Serves WITHDRAWALS `limit` at a time; the cursor is the next index. */
function listPage(req: ReceivedRequest, res: ServerResponse) {
  const from = Number(req.query.get('cursor') ?? '0');
  const limit = Number(req.query.get('limit') ?? '2');
  const data = WITHDRAWALS.slice(from, from + limit);
  sendJson(res, 200, { data, nextCursor: from + limit < WITHDRAWALS.length ? String(from + limit) : null });
}

const created = (req: ReceivedRequest, res: ServerResponse) =>
  sendJson(res, 201, {
    id: 'w-new',
    clientId: 'ex',
    amount: '1',
    idempotencyKey: String(req.headers['idempotency-key'] ?? ''),
  });

let server: CheckingServer;
beforeAll(async () => {
  server = await startCheckingServer(CREDS, {
    'GET /v1/withdrawals': listPage,
    'POST /v1/withdrawals': created,
    'POST /v1/payouts': (req, res, nth) => (nth === 1 ? sendProblem(res, 503, 'chain.unavailable') : created(req, res)),
    'POST /v1/transfers': (_req, res) => sendProblem(res, 503, 'chain.unavailable'),
    // Drops the connection without an answer, as a failing network would.
    'POST /v1/drop-post': (_req, res) => void res.socket?.destroy(),
    'GET /v1/rate-limited': (_req, res, nth) =>
      nth === 1
        ? res.writeHead(429, { 'Retry-After': '1', 'Content-Type': 'application/problem+json' }).end('{}')
        : sendJson(res, 200, { ok: true }),
    'GET /v1/recovering': (_req, res, nth) =>
      nth <= 2 ? sendProblem(res, 503, 'chain.unavailable') : sendJson(res, 200, { ok: true }),
    'GET /v1/unavailable': (_req, res) => sendProblem(res, 503, 'chain.unavailable'),
    'GET /v1/drop': (req, res, nth) =>
      nth === 1 ? void res.socket?.destroy() : sendJson(res, 200, { ok: true, url: req.url }),
    'GET /v1/long-wait': (_req, res) => res.writeHead(429, { 'Retry-After': '120' }).end(),
    'GET /v1/refused': (_req, res) =>
      sendProblem(res, 409, 'withdrawal.not_cancellable', { withdrawalId: 'w-9', state: 'broadcast' }),
    'GET /v1/html-502': (_req, res) => res.writeHead(502, { 'Content-Type': 'text/html' }).end('<h1>Bad Gateway</h1>'),
    'GET /v1/loop': (_req, res) => sendJson(res, 200, { data: [WITHDRAWALS[0]], nextCursor: 'again' }),
    'GET /v1/broken-list': (req, res) =>
      req.query.get('cursor')
        ? sendProblem(res, 400, 'request.invalid_cursor')
        : sendJson(res, 200, { data: WITHDRAWALS, nextCursor: 'x' }),
  });
});
afterAll(() => server.close());

const api = (retry: RetryOptions = { baseDelayMs: 5, maxDelayMs: 20 }) =>
  createApiClient<TestPaths>({
    baseUrl: server.url,
    credentials: CREDS,
    retry,
    idempotentOperations: ['POST /v1/withdrawals', 'POST /v1/payouts'],
  });
const sent = (path: string) => server.received.filter((r) => r.path === path);
const BODY = { clientId: 'ex', userId: 'u-1', asset: 'BTC', amount: '40000000', address: 'bcrt1qexample' };

describe('createApiClient against a server that checks signatures like Strongroom', () => {
  it('signs the query as sent and the exact body bytes; a wrong secret is refused', async () => {
    const page = await unwrap(api().GET('/v1/withdrawals', { params: { query: { clientId: 'ex a/é', limit: 2 } } }));
    expect(page.data.map((w) => w.id)).toEqual(['w-1', 'w-2']);
    expect(sent('/v1/withdrawals').at(-1)!.url).toBe('/v1/withdrawals?clientId=ex%20a%2F%C3%A9&limit=2');
    const made = await unwrap(api().POST('/v1/withdrawals', { body: { ...BODY, address: 'bcrt1q-é-ünïcode' } }));
    expect(made.id).toBe('w-new');
    expect(JSON.parse(sent('/v1/withdrawals').at(-1)!.body.toString('utf8')).address).toBe('bcrt1q-é-ünïcode');

    const before = server.refused;
    const wrong = createApiClient<TestPaths>({ baseUrl: server.url, credentials: { ...CREDS, secret: 'srs_wrong' } });
    await expect(unwrap(wrong.GET('/v1/withdrawals'))).rejects.toMatchObject({
      status: 401,
      code: 'auth.invalid_credentials',
    });
    expect(server.refused).toBe(before + 1);
  });

  it('gives an idempotent POST a UUID Idempotency-Key unless the caller set one, and no other POST', async () => {
    const generated = await unwrap(api().POST('/v1/withdrawals', { body: BODY }));
    expect(generated.idempotencyKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const again = await unwrap(api().POST('/v1/withdrawals', { body: BODY }));
    expect(again.idempotencyKey).not.toBe(generated.idempotencyKey);
    const own = await unwrap(
      api().POST('/v1/withdrawals', { body: BODY, params: { header: { 'Idempotency-Key': 'exchange-w-77' } } }),
    );
    expect(own.idempotencyKey).toBe('exchange-w-77');
    await api().POST('/v1/transfers', { body: { amount: '1' } });
    expect(sent('/v1/transfers').at(-1)!.headers['idempotency-key']).toBeUndefined();
  });

  it('waits out Retry-After on a 429, then retries with a fresh timestamp and nonce', async () => {
    const answer = await unwrap(api().GET('/v1/rate-limited'));
    expect(answer).toEqual({ ok: true });
    const [first, second] = sent('/v1/rate-limited');
    expect(second.at - first.at).toBeGreaterThanOrEqual(990);
    expect(second.headers['x-strongroom-nonce']).not.toBe(first.headers['x-strongroom-nonce']);
    expect(second.headers['x-strongroom-timestamp']).not.toBe(first.headers['x-strongroom-timestamp']);
  });

  it('retries a GET through 503s and dropped connections, within the bounded number of attempts', async () => {
    expect(await unwrap(api().GET('/v1/recovering'))).toEqual({ ok: true });
    expect(sent('/v1/recovering')).toHaveLength(3);
    expect(await unwrap(api().GET('/v1/drop'))).toMatchObject({ ok: true });
    expect(sent('/v1/drop')).toHaveLength(2);

    const err = await unwrap(api().GET('/v1/unavailable')).catch((e: unknown) => e);
    expect(isProblem(err, 'chain.unavailable')).toBe(true);
    expect(sent('/v1/unavailable')).toHaveLength(4);
    await unwrap(api({ baseDelayMs: 1, maxDelayMs: 1, maxAttempts: 2 }).GET('/v1/unavailable')).catch(() => undefined);
    expect(sent('/v1/unavailable')).toHaveLength(6);
  });

  it('retries a POST only when it carries an Idempotency-Key, with the same key each time', async () => {
    const made = await unwrap(api().POST('/v1/payouts', { body: BODY }));
    const [first, second] = sent('/v1/payouts');
    expect(sent('/v1/payouts')).toHaveLength(2);
    expect(second.headers['idempotency-key']).toBe(first.headers['idempotency-key']);
    expect(made.idempotencyKey).toBe(first.headers['idempotency-key']);

    await expect(unwrap(api().POST('/v1/transfers', { body: { amount: '2' } }))).rejects.toMatchObject({ status: 503 });
    expect(sent('/v1/transfers').filter((r) => r.body.toString() === '{"amount":"2"}')).toHaveLength(1);
    const lost = await api()
      .POST('/v1/drop-post', { body: { amount: '3' } })
      .catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(StrongroomNetworkError);
    expect((lost as StrongroomNetworkError).attempts).toBe(1);
    expect(sent('/v1/drop-post')).toHaveLength(1);
  });

  it('returns at once what must not be retried: a refusal, or a Retry-After longer than the policy allows', async () => {
    const err = await unwrap(api().GET('/v1/refused')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrongroomProblemError);
    const problem = err as StrongroomProblemError;
    expect(problem).toMatchObject({
      status: 409,
      code: 'withdrawal.not_cancellable',
      type: 'urn:strongroom:problem:withdrawal.not_cancellable',
      title: 'Refused',
      detail: 'refused with withdrawal.not_cancellable',
      extras: { withdrawalId: 'w-9', state: 'broadcast' },
    });
    expect(problem.instance).toBe(`urn:strongroom:request:${problem.requestId}`);
    expect(problem.message).toContain(problem.requestId);
    expect(sent('/v1/refused')).toHaveLength(1);

    const started = Date.now();
    await expect(unwrap(api().GET('/v1/long-wait'))).rejects.toMatchObject({ status: 429, code: UNEXPECTED_RESPONSE });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(sent('/v1/long-wait')).toHaveLength(1);
  });

  it('turns an answer without a problem document into a problem error', async () => {
    const err = await unwrap(api().GET('/v1/html-502')).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, code: UNEXPECTED_RESPONSE, type: 'about:blank' });
    expect((err as StrongroomProblemError).detail).toContain('<h1>Bad Gateway</h1>');
    expect(sent('/v1/html-502')).toHaveLength(4);
  });
});

describe('pagination', () => {
  it('yields every item across pages, following nextCursor', async () => {
    const client = api();
    const seen: string[] = [];
    for await (const w of paginate((cursor) =>
      client.GET('/v1/withdrawals', { params: { query: { clientId: 'ex a/é', limit: 2, cursor } } }),
    ))
      seen.push(w.id);
    expect(seen).toEqual(WITHDRAWALS.map((w) => w.id));
    const cursors = sent('/v1/withdrawals')
      .slice(-3)
      .map((r) => r.query.get('cursor'));
    expect(cursors).toEqual([null, '2', '4']);

    const sizes: number[] = [];
    for await (const page of pages((cursor) =>
      client.GET('/v1/withdrawals', { params: { query: { limit: 3, cursor } } }),
    ))
      sizes.push(page.data.length);
    expect(sizes).toEqual([3, 2]);
  });

  it('stops early without fetching further pages, and throws a refused page or a repeated cursor', async () => {
    const client = api();
    const before = sent('/v1/withdrawals').length;
    for await (const w of paginate((cursor) =>
      client.GET('/v1/withdrawals', { params: { query: { limit: 2, cursor } } }),
    )) {
      if (w.id === 'w-1') break;
    }
    expect(sent('/v1/withdrawals').length).toBe(before + 1);

    const collect = async (path: '/v1/loop' | '/v1/broken-list') => {
      const ids: string[] = [];
      for await (const w of paginate((cursor) => client.GET(path, { params: { query: { cursor } } }))) ids.push(w.id);
      return ids;
    };
    await expect(collect('/v1/broken-list')).rejects.toMatchObject({ code: 'request.invalid_cursor' });
    await expect(collect('/v1/loop')).rejects.toThrow(/cursor again twice/);
  });
});
