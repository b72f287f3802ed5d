import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createApiClient,
  createStrongroomClient,
  type Client,
  pages,
  paginate,
  StrongroomProblemError,
  StrongroomWebhookError,
  unwrap,
  verifyWebhook,
  type StrongroomClient,
  type StrongroomCredentials,
  type WithdrawalsComponents,
} from '@strongroom/client';
import { eventually, startCustodyProcess, type CustodyProcess } from './testing/custody-process';

// The SDK as an exchange backend uses it, against `npm start` in a child process (real kms-local,
// bcoin regtest and anvil): every call to the three APIs goes through @strongroom/client.
jest.setTimeout(180_000);

type Withdrawal = WithdrawalsComponents['schemas']['Withdrawal'];

// The dev faucet and miner are served by the embedded default only, so the published deposits
// document (and the generated types) leave them out: the SDK calls them through its own paths type.
type DevPost<Body, T> = {
  parameters: { query?: never; header?: never; path?: never; cookie?: never };
  requestBody: { content: { 'application/json': Body } };
  responses: { 200: { headers: { [name: string]: unknown }; content: { 'application/json': T } } };
};
type DevRoute<Body, T> = { post: DevPost<Body, T> } & { [M in 'get' | 'put' | 'delete' | 'patch']?: never };
interface DevPaths {
  '/v1/dev/bitcoin/mine': DevRoute<{ blocks: number }, { height: number; hashes: string[] }>;
  '/v1/dev/bitcoin/send': DevRoute<{ address: string; amount: string }, { txid: string; amount: string }>;
}
const DEST = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
const CLIENT = 'sdk-exchange';
const NO_LIMITS = {
  maxAmount: null,
  userDailyLimit: null,
  clientDailyLimit: null,
  allowlist: null,
  breakerWindowSeconds: null,
  breakerLimit: null,
};

/** A webhook receiver on loopback: keeps every delivery's raw body and headers, answers 204. */
async function startReceiver() {
  const deliveries: { body: Buffer; headers: IncomingHttpHeaders }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ body: Buffer.concat(chunks), headers: req.headers });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/strongroom/webhooks`,
    /** The delivery of event `id`, once it arrived. */
    deliveryOf: (id: string) =>
      eventually(`the delivery of ${id}`, async () =>
        deliveries.find((d) => d.headers['webhook-id'] === id || JSON.parse(d.body.toString()).id === id),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('@strongroom/client against the running custody app', () => {
  let dataDir: string;
  let app: CustodyProcess;
  /** By role: the two first admins (distinct owners), the exchange's backend and its approver. */
  const sr = {} as Record<'admin' | 'checker' | 'backend' | 'approver', StrongroomClient>;
  const dev = {} as Record<'admin' | 'backend', Client<DevPaths>>;

  const clientOf = (credentials: StrongroomCredentials) =>
    createStrongroomClient({ credentials, baseUrls: app.urls, retry: { baseDelayMs: 50 } });
  const devOf = (credentials: StrongroomCredentials) =>
    createApiClient<DevPaths>({ credentials, baseUrl: app.urls.deposits, retry: { baseDelayMs: 50 } });

  /** Proposed by the first admin, approved by the second, on the API that recorded the change. */
  async function approveChange(api: 'ledger' | 'withdrawals', proposed: { id: string; status: string }) {
    expect(proposed.status).toBe('pending');
    const approve = { params: { path: { id: proposed.id } } };
    const done =
      api === 'ledger'
        ? await unwrap(sr.checker.ledger.POST('/v1/changes/{id}/approve', approve))
        : await unwrap(sr.checker.withdrawals.POST('/v1/changes/{id}/approve', approve));
    expect(done.status).toBe('executed');
    return done;
  }

  const withdrawal = (id: string) =>
    unwrap(sr.backend.withdrawals.GET('/v1/withdrawals/{id}', { params: { path: { id } } }));
  const untilStatus = (id: string, status: Withdrawal['status']) =>
    eventually(`withdrawal ${id} to be ${status}`, async () => {
      const got = await withdrawal(id);
      return got.status === status ? got : undefined;
    });
  const mineBitcoin = (blocks: number) => unwrap(dev.admin.POST('/v1/dev/bitcoin/mine', { body: { blocks } }));
  const account = async (userId: string) => {
    const page = await unwrap(
      sr.backend.ledger.GET('/v1/accounts', { params: { query: { clientId: CLIENT, ownerId: userId } } }),
    );
    return page.data.find((a) => a.asset === 'BTC');
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'custody-sdk-'));
    app = await startCustodyProcess(dataDir);
    const [admin, checker] = app.admins;
    sr.admin = clientOf(admin);
    sr.checker = clientOf(checker);
    dev.admin = devOf(admin);
  });
  afterAll(async () => {
    await app?.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('onboards a client and its keys with dual control', async () => {
    const client = await unwrap(
      sr.admin.ledger.POST('/v1/clients', { body: { id: CLIENT, name: 'SDK Exchange', custody: 'pooled' } }),
    );
    await approveChange('ledger', client);
    const backend = await unwrap(
      sr.admin.ledger.POST('/v1/auth/keys', {
        body: { name: 'sdk backend', role: 'backend', owner: 'exchange backend team', clients: [CLIENT] },
      }),
    );
    if (!('secret' in backend)) throw new Error('a backend key is minted by one admin');
    sr.backend = clientOf(backend);
    dev.backend = devOf(backend);
    const proposed = await unwrap(
      sr.admin.ledger.POST('/v1/auth/keys', {
        body: { name: 'sdk approver', role: 'approver', owner: 'exchange treasury', clients: [CLIENT] },
      }),
    );
    if (!('status' in proposed)) throw new Error('an approver key takes two admins');
    const minted = await approveChange('ledger', proposed);
    sr.approver = clientOf(minted.result as StrongroomCredentials);
  });

  it('takes a regtest deposit to credit and a withdrawal through approval to settled, then reads the balance', async () => {
    const addr = await unwrap(
      sr.backend.deposits.POST('/v1/deposit-addresses', { body: { clientId: CLIENT, userId: 'alice', asset: 'BTC' } }),
    );
    expect(addr.address).toMatch(/^bcrt1q/);
    await unwrap(dev.admin.POST('/v1/dev/bitcoin/send', { body: { address: addr.address, amount: '150000000' } }));
    await mineBitcoin(2);
    const deposit = await eventually('the deposit to be credited', async () => {
      const page = await unwrap(
        sr.backend.deposits.GET('/v1/deposits', { params: { query: { clientId: CLIENT, userId: 'alice' } } }),
      );
      return page.data.find((d) => d.state === 'credited');
    });
    expect(deposit).toMatchObject({ amount: '150000000', address: addr.address, asset: 'BTC' });

    // Above 0.1 BTC a withdrawal needs one approver; the 10,000 sat fee covers the network fee.
    const policy = await unwrap(
      sr.admin.withdrawals.PUT('/v1/withdrawal-policies/{asset}/{clientId}', {
        params: { path: { asset: 'BTC', clientId: CLIENT } },
        body: {
          ...NO_LIMITS,
          approvalThreshold: '10000000',
          approvalsRequired: 1,
          withdrawalFee: '10000',
        },
      }),
    );
    await approveChange('withdrawals', policy);
    const requested = await unwrap(
      sr.backend.withdrawals.POST('/v1/withdrawals', {
        body: { clientId: CLIENT, userId: 'alice', asset: 'BTC', amount: '40000000', destination: DEST },
      }),
    );
    expect(requested).toMatchObject({ status: 'awaiting_approval', amount: '40000000' });
    expect((await account('alice'))?.debitsPending).toBe('40010000');
    await unwrap(
      sr.approver.withdrawals.POST('/v1/approvals/{id}/approve', { params: { path: { id: requested.id } } }),
    );
    const broadcast = await untilStatus(requested.id, 'broadcast');
    expect(broadcast.txid).toMatch(/^[0-9a-f]{64}$/);
    await mineBitcoin(2);
    await untilStatus(requested.id, 'settled');
    expect(await account('alice')).toMatchObject({
      creditsPosted: '150000000',
      debitsPosted: '40010000',
      debitsPending: '0',
    });
  });

  it('walks a list of more than three pages with paginate: every item once, oldest first', async () => {
    const issue = (fresh: boolean) =>
      unwrap(
        sr.backend.deposits.POST('/v1/deposit-addresses', {
          body: { clientId: CLIENT, userId: 'carol', asset: 'BTC', fresh },
        }),
      );
    const issued = [];
    for (let i = 0; i < 9; i++) issued.push(await issue(i > 0));
    expect(issued.map((a) => a.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);

    const list = (cursor: string | undefined) =>
      sr.backend.deposits.GET('/v1/deposit-addresses', {
        params: { query: { clientId: CLIENT, userId: 'carol', limit: 2, cursor } },
      });
    const walked = [];
    for await (const a of paginate(list)) walked.push(a);
    expect(walked.map((a) => a.address)).toEqual(issued.map((a) => a.address));
    const sizes = [];
    for await (const page of pages(list)) sizes.push(page.data.length);
    expect(sizes).toEqual([2, 2, 2, 2, 1]);
  });

  it('answers a replayed Idempotency-Key with the first withdrawal, and refuses the key with another body', async () => {
    const body = { clientId: CLIENT, userId: 'alice', asset: 'BTC' as const, amount: '5000000', destination: DEST };
    const header = { 'Idempotency-Key': `sdk-payout-${Date.now()}` };
    const first = await sr.backend.withdrawals.POST('/v1/withdrawals', { body, params: { header } });
    const replay = await sr.backend.withdrawals.POST('/v1/withdrawals', { body, params: { header } });
    expect([first.response.status, replay.response.status]).toEqual([201, 200]);
    const [a, b] = [await unwrap(first), await unwrap(replay)];
    expect(b.id).toBe(a.id);

    const other = sr.backend.withdrawals.POST('/v1/withdrawals', {
      body: { ...body, amount: '6000000' },
      params: { header },
    });
    const err = await unwrap(other).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrongroomProblemError);
    expect(err).toMatchObject({ code: 'idempotency.conflict', status: 409 });
    // Only the first request had an effect: one withdrawal with that amount in the user's list.
    const mine = [];
    for await (const w of paginate((cursor) =>
      sr.backend.withdrawals.GET('/v1/withdrawals', { params: { query: { clientId: CLIENT, cursor } } }),
    ))
      if (w.userId === 'alice' && w.amount !== '40000000') mine.push(w.id);
    expect(mine).toEqual([a.id]);
  });

  it('surfaces refusals as StrongroomProblemError with code, status and the X-Request-Id', async () => {
    // No policy for ETH: deny by default.
    const noPolicy = await sr.backend.withdrawals.POST('/v1/withdrawals', {
      body: {
        clientId: CLIENT,
        userId: 'alice',
        asset: 'ETH',
        amount: '1000',
        destination: '0x000000000000000000000000000000000000dEaD',
      },
    });
    const err = await unwrap(noPolicy).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrongroomProblemError);
    const problem = err as StrongroomProblemError;
    expect(problem).toMatchObject({ code: 'withdrawal.no_policy', status: 422 });
    expect(problem.requestId).toMatch(/\S/);
    expect(problem.requestId).toBe(noPolicy.response.headers.get('X-Request-Id'));

    // The faucet is admin only: the auth guard's refusal is a problem too.
    const forbidden = await dev.backend.POST('/v1/dev/bitcoin/mine', { body: { blocks: 1 } });
    const refused = await unwrap(forbidden).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'auth.forbidden_role', status: 403 });
    expect((refused as StrongroomProblemError).requestId).toBe(forbidden.response.headers.get('X-Request-Id'));
  });

  it('delivers a test event to a loopback receiver, verified with verifyWebhook through a secret rotation', async () => {
    const receiver = await startReceiver();
    try {
      const created = await unwrap(
        sr.backend.deposits.POST('/v1/webhooks/endpoints', {
          body: { clientId: CLIENT, url: receiver.url, description: 'exchange backend' },
        }),
      );
      expect(created.secret).toMatch(/^whsec_/);
      const endpoint = { params: { path: { id: created.id } } };
      const sendTest = async () => {
        const event = await unwrap(sr.backend.deposits.POST('/v1/webhooks/endpoints/{id}/test', endpoint));
        return { id: event.id, delivery: await receiver.deliveryOf(event.id) };
      };
      const verifies = (secret: string, d: { body: Buffer; headers: IncomingHttpHeaders }) =>
        verifyWebhook(secret, d.body, d.headers);

      const first = await sendTest();
      expect(verifies(created.secret, first.delivery)).toMatchObject({ id: first.id, type: 'webhook.test' });

      // A short overlap: deliveries carry both signatures until it ends, then only the new one's.
      const rotated = await unwrap(
        sr.backend.deposits.POST('/v1/webhooks/endpoints/{id}/rotate-secret', {
          ...endpoint,
          body: { overlapSeconds: 2 },
        }),
      );
      expect(rotated.secret).not.toBe(created.secret);
      expect(rotated.previousSecretExpiresAt).not.toBeNull();
      const during = await sendTest();
      expect(verifies(created.secret, during.delivery).id).toBe(during.id);
      expect(verifies(rotated.secret, during.delivery).id).toBe(during.id);

      const overlapEnds = Date.parse(rotated.previousSecretExpiresAt as string);
      await new Promise((r) => setTimeout(r, Math.max(0, overlapEnds - Date.now()) + 500));
      const after = await sendTest();
      expect(verifies(rotated.secret, after.delivery).id).toBe(after.id);
      let refused: unknown;
      try {
        verifies(created.secret, after.delivery);
      } catch (err) {
        refused = err;
      }
      expect(refused).toBeInstanceOf(StrongroomWebhookError);
      expect(refused).toMatchObject({ reason: 'bad_signature' });
    } finally {
      await receiver.close();
    }
  });
});
