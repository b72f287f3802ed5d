import type { INestApplication } from '@nestjs/common';
import { BitcoinAdapter } from '@strongroom/chains-bitcoin';
import { startBitcoinRegtest, type BitcoinRegtest } from '@strongroom/local-services/bitcoin-regtest';
import { startHttpApp } from '@strongroom/shared-http';
import { describeEachBackend } from '@strongroom/testing';
import { depositWatcherContexts, DepositWatcherAppModule } from './app.module';
import { registerBtcOperatorWallet } from './testing/operator-wallet';
import { loadWatcherConfig } from './watcher-config';

type Report = {
  status: string;
  error?: Record<string, { status: string; message?: string }>;
  details: Record<string, { status: string; lagBlocks?: number }>;
};

// Readiness of a following deposit watcher against a real regtest node: ready once the follower
// has caught up; 503 naming follower:bitcoin when it lags more than the bound; 503 naming the
// node too once the node is gone, while /health/live still answers.
describeEachBackend('deposit watcher readiness', { contexts: depositWatcherContexts }, (ctx) => {
  let node: BitcoinRegtest;
  let app: INestApplication;
  let url: string;
  let nodeStopped = false;
  const ready = async () => {
    const res = await fetch(`${url}/health/ready`);
    return { status: res.status, report: (await res.json()) as Report };
  };
  const until = async (pred: (r: { status: number; report: Report }) => boolean) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await ready();
      if (pred(r)) return r;
      if (Date.now() > deadline) throw new Error(`readiness never matched: ${JSON.stringify(r)}`);
      await new Promise((res) => setTimeout(res, 200));
    }
  };

  beforeAll(async () => {
    node = await startBitcoinRegtest();
    await node.mine(3);
    const bitcoin = new BitcoinAdapter({
      network: 'regtest',
      rpcUrl: node.rpcUrl,
      rpcUser: node.rpcUser,
      rpcPassword: node.rpcPassword,
      feeRate: { min: 1, max: 100, default: 5 },
    });
    await registerBtcOperatorWallet(ctx().db);
    const assets = loadWatcherConfig({}).assets.withAssets([{ code: 'BTC', confirmations: 1 }]);
    // The follower polls once a minute: blocks mined after its first pass stay unapplied.
    const options = {
      assets,
      adapters: [bitcoin],
      follow: true,
      pollMs: 60_000,
      readiness: { maxFollowerLagBlocks: 2 },
    };
    ({ app, url } = await startHttpApp(DepositWatcherAppModule.forRoot({ db: ctx().db }, options), {
      name: 'deposit-watcher-ready',
      title: 't',
      description: 't',
      port: 0,
      shutdownHooks: false,
    }));
  });
  afterAll(async () => {
    await app?.close();
    if (!nodeStopped) await node?.stop();
  });

  it('is ready once the follower has caught up with the node', async () => {
    const { report } = await until((r) => r.status === 200);
    expect(report.details).toMatchObject({
      database: { status: 'up' },
      'node:bitcoin': { status: 'up' },
      'follower:bitcoin': { status: 'up', lagBlocks: 0 },
    });
  });

  it('is 503 naming the follower when it lags more blocks than the bound', async () => {
    await node.mine(3);
    const { status, report } = await ready();
    expect(status).toBe(503);
    expect(Object.keys(report.error ?? {})).toEqual(['follower:bitcoin']);
    expect(report.error?.['follower:bitcoin']?.message).toMatch(/3 blocks behind the node \(more than 2\)/);
    expect(report.details['node:bitcoin']?.status).toBe('up');
  });

  it('is 503 naming the node once it is gone, and still live', async () => {
    await node.stop();
    nodeStopped = true;
    const { status, report } = await ready();
    expect(status).toBe(503);
    expect(Object.keys(report.error ?? {}).sort()).toEqual(['follower:bitcoin', 'node:bitcoin']);
    expect(report.details['database']?.status).toBe('up');
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
  });
});
