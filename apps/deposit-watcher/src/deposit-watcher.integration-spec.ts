import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { createApiKey, ensureClient, signedFetch, type ApiCredentials } from '@strongroom/api-auth';
import { EthereumAdapter } from '@strongroom/chains-ethereum';
import { CustodyWallets, registerWatchOnlyWallet } from '@strongroom/deposits';
import { WEBHOOK_EVENT_PAYLOADS, type WebhookEnvelope, type WebhookEventType } from '@strongroom/events';
import { AssetRegistry } from '@strongroom/shared-assets';
import { startHttpApp } from '@strongroom/shared-http';
import { describeEachBackend } from '@strongroom/testing';
import { startAnvil, type Anvil } from '@strongroom/local-services/anvil';
import { Webhook } from 'standardwebhooks';
import { depositWatcherContexts, DepositWatcherAppModule } from './app.module';

/**
 * The whole watcher as deployed: the app follows anvil in the background, the exchange backend
 * asks for an address over signed HTTP, a deposit arrives, is credited after its confirmations,
 * and the backend, which registered a webhook endpoint over the API, receives signed webhooks for
 * each state (verified with standardwebhooks, payloads as documented) and reads the deposit.
 */
const ETH = 10n ** 18n;

interface Hook {
  envelope: WebhookEnvelope<{ depositId: string; state: string; amount: string; userId: string }>;
  valid: boolean;
}

/** Waits for a condition the background loops will make true; the jest timeout bounds it. */
async function until<T>(probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

let anvil: Anvil;
beforeAll(async () => {
  anvil = await startAnvil();
});
afterAll(async () => {
  await anvil?.stop();
});

describeEachBackend(
  'deposit watcher app following anvil, with webhooks',
  { contexts: depositWatcherContexts },
  (ctx) => {
    let app: INestApplication;
    let url: string;
    let backend: ApiCredentials;
    let auditor: ApiCredentials;
    let receiver: Server;
    let adapter: EthereumAdapter;
    let endpoint: { id: string; secret: string };
    const hooks: Hook[] = [];

    beforeAll(async () => {
      const { db } = ctx();
      receiver = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          if (req.method !== 'POST') return void res.writeHead(404).end(); // the contract check's /docs-json
          const body = Buffer.concat(chunks).toString('utf8');
          const envelope = JSON.parse(body) as Hook['envelope'];
          let valid = WEBHOOK_EVENT_PAYLOADS[envelope.type as WebhookEventType].safeParse(envelope.data).success;
          try {
            new Webhook(endpoint.secret).verify(body, req.headers as Record<string, string>);
          } catch {
            valid = false;
          }
          hooks.push({ envelope, valid });
          res.statusCode = 204;
          res.end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      await ensureClient(db, { id: 'acme', name: 'Acme', custody: 'pooled' });
      backend = await createApiKey(db, { name: 'exchange', role: 'backend', clients: ['acme'] });
      auditor = await createApiKey(db, { name: 'auditor', role: 'auditor' });
      await registerWatchOnlyWallet(new CustodyWallets(db), 'eth-hot', 'ethereum');
      adapter = new EthereumAdapter({ rpcUrl: anvil.rpcUrl, network: 'anvil', chainId: anvil.chainId, tokens: [] });
      ({ app, url } = await startHttpApp(
        DepositWatcherAppModule.forRoot(
          { db },
          {
            assets: new AssetRegistry().withAssets([{ code: 'ETH', confirmations: 3 }]),
            adapters: [adapter],
            startHeights: { ethereum: (await anvil.height()) + 1 },
            pollMs: 50,
            webhooks: { dispatcher: { idleMs: 50 } },
          },
        ),
        { name: 'deposit-watcher-e2e', title: 't', description: 't', port: 0 },
      ));
      const created = await signedFetch(url, backend, 'POST', '/v1/webhooks/endpoints', {
        clientId: 'acme',
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
        eventTypes: ['deposit.*'],
      });
      expect(created.status).toBe(201);
      endpoint = (await created.json()) as { id: string; secret: string };
    });
    afterAll(async () => {
      await app?.close();
      adapter?.close();
      await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
    });

    it('credits a deposit after its confirmations and tells the backend through signed webhooks', async () => {
      const res = await signedFetch(url, backend, 'POST', '/v1/deposit-addresses', {
        clientId: 'acme',
        userId: 'alice',
        asset: 'ETH',
      });
      expect(res.status).toBe(201);
      const { address } = (await res.json()) as { address: string };
      const txid = await anvil.sendEth(address, 3n * ETH);
      const depositId = `ethereum:${txid}:native`;
      await until(() =>
        hooks.find((h) => h.envelope.data.depositId === depositId && h.envelope.type === 'deposit.confirming'),
      );
      await anvil.mine(2);
      const credited = await until(() =>
        hooks.find((h) => h.envelope.data.depositId === depositId && h.envelope.type === 'deposit.credited'),
      );
      expect(credited.envelope.data).toMatchObject({
        state: 'credited',
        amount: (3n * ETH).toString(),
        userId: 'alice',
      });
      const mine = hooks.filter((h) => h.envelope.data.depositId === depositId);
      expect(mine.every((h) => h.valid)).toBe(true);
      expect([...new Set(mine.map((h) => h.envelope.type))]).toEqual([
        'deposit.seen',
        'deposit.confirming',
        'deposit.credited',
      ]);

      const list = await signedFetch(url, backend, 'GET', `/v1/deposits?clientId=acme&userId=alice`);
      const body = (await list.json()) as {
        data: { id: string; state: string; amount: string; confirmations: number }[];
      };
      expect(body.data).toEqual([
        expect.objectContaining({ id: depositId, state: 'credited', amount: (3n * ETH).toString(), confirmations: 3 }),
      ]);
      const one = await signedFetch(url, backend, 'GET', `/v1/deposits/${depositId}`);
      expect(await one.json()).toMatchObject({ id: depositId, state: 'credited', credits: 1 });
      const missing = await signedFetch(url, backend, 'GET', `/v1/deposits/ethereum:${'0'.repeat(64)}:native`);
      expect(missing.status).toBe(404);
      const deliveries = await signedFetch(
        url,
        backend,
        'GET',
        `/v1/webhooks/endpoints/${endpoint.id}/deliveries?ok=true`,
      );
      expect(((await deliveries.json()) as { data: unknown[] }).data.length).toBeGreaterThanOrEqual(3);
    });

    it('turns a reorg of a credited deposit into an incident, a correcting transfer and a deposit.reversed webhook', async () => {
      const res = await signedFetch(url, backend, 'POST', '/v1/deposit-addresses', {
        clientId: 'acme',
        userId: 'bob',
        asset: 'ETH',
      });
      const { address } = (await res.json()) as { address: string };
      const txid = await anvil.sendEth(address, 1n * ETH);
      await anvil.mine(2);
      const depositId = `ethereum:${txid}:native`;
      await until(() =>
        hooks.find((h) => h.envelope.data.depositId === depositId && h.envelope.type === 'deposit.credited'),
      );
      await anvil.reorg(3); // the deposit's block and the two above it, replaced without it
      await anvil.mine(1);
      const reversed = await until(() =>
        hooks.find((h) => h.envelope.data.depositId === depositId && h.envelope.type === 'deposit.reversed'),
      );
      expect(reversed.valid).toBe(true);
      expect(reversed.envelope.data).toMatchObject({
        state: 'reversed',
        recovered: (1n * ETH).toString(),
        shortfall: '0',
      });
      const incidents = await signedFetch(url, auditor, 'GET', '/v1/incidents?open=true');
      const body = (await incidents.json()) as {
        data: { depositId: string; userId: string; amount: string; recovered: string }[];
      };
      expect(body.data).toEqual([
        expect.objectContaining({
          depositId,
          userId: 'bob',
          amount: (1n * ETH).toString(),
          recovered: (1n * ETH).toString(),
        }),
      ]);
      const one = await signedFetch(url, backend, 'GET', `/v1/deposits/${depositId}`);
      expect(await one.json()).toMatchObject({ state: 'reversed', credits: 1, reversals: 1 });
    });
  },
);
