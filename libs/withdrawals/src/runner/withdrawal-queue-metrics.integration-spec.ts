import { ensureClient } from '@strongroom/api-auth';
import { AuditLog } from '@strongroom/audit';
import type { CustodyWallet } from '@strongroom/chains-core';
import { enqueue } from '@strongroom/events';
import { LedgerService } from '@strongroom/ledger';
import { AssetRegistry } from '@strongroom/shared-assets';
import { openTestDatabase, testBackends, type TestDatabase } from '@strongroom/testing';
import { networks, payments } from 'bitcoinjs-lib';
import { withdrawalsContext } from '../withdrawals.context';
import { createPipelineDeps } from './create-pipeline-deps';
import { OPERATOR } from '../core/ledger-accounts';
import type { SignerDeps } from './create-pipeline-deps';
import { PipelineRunner } from './pipeline-runner';
import { ScriptedChainAdapter } from '../testing/scripted-chain-adapter';
import { WithdrawalService } from '../requests/withdrawal.service';
import { withdrawalsOldestAge, withdrawalsOpen } from './withdrawal-queue-metrics';
import { OPEN_POLICY } from '../testing/open-policy';

const BTC = 100_000_000n;
const read = async (g: typeof withdrawalsOpen, status: string): Promise<number | undefined> =>
  (await g.get()).values.find((v) => v.labels.chain === 'bitcoin' && v.labels.status === status)?.value;

// The queue gauges as the pipeline runner refreshes them: a withdrawal waiting for approval is
// counted and ages; once cancelled (after the refresh interval) it is gone from the queue.
describe.each(testBackends())('withdrawal queue metrics [%s]', (backend) => {
  let tdb: TestDatabase;
  let deps: SignerDeps;
  let now = new Date('2026-12-02T09:00:00Z');
  const wallet: CustodyWallet = {
    id: 'wallet-btc',
    chain: 'bitcoin',
    threshold: 2,
    publicKeys: ['02' + '11'.repeat(32), '03' + '22'.repeat(32), '02' + '33'.repeat(32)],
  };

  beforeAll(async () => {
    tdb = await openTestDatabase(backend, {
      contexts: [withdrawalsContext],
    });
    const ledger = new LedgerService(tdb.db);
    deps = createPipelineDeps({
      db: tdb.db,
      ledger,
      audit: new AuditLog(tdb.db),
      outbox: { enqueue },
      wallets: { walletFor: async () => wallet },
      signer: { sign: () => Promise.reject(new Error('no signing in this test')) },
      adapters: [new ScriptedChainAdapter('bitcoin')],
      assets: new AssetRegistry().withAssets([{ code: 'BTC', confirmations: 2 }]),
      clock: { now: () => now },
    });
    await ensureClient(tdb.db, { id: 'c', name: 'c', custody: 'pooled' });
    // Every withdrawal above 1 base unit waits for one approval, so the runner leaves it queued.
    await deps.policies.put({ keyId: 'admin-test', role: 'admin' }, 'BTC', '*', {
      ...OPEN_POLICY,
      approvalThreshold: 1n,
    });
    const user = await ledger.openAccount({ clientId: 'c', ownerId: 'alice', asset: 'BTC', kind: 'user' });
    const custody = await ledger.openAccount({ clientId: OPERATOR, ownerId: wallet.id, asset: 'BTC', kind: 'custody' });
    await ledger.transfer({
      id: 'deposit:test:alice',
      debitAccountId: custody.id,
      creditAccountId: user.id,
      amount: BTC,
      code: 'deposit',
    });
  });
  afterAll(async () => tdb?.close());

  it('counts a waiting withdrawal and its age per status, and drops it once cancelled', async () => {
    const service = new WithdrawalService(deps);
    const to = payments.p2wpkh({ hash: Buffer.alloc(20, 1), network: networks.regtest }).address as string;
    const { withdrawal } = await service.request({ keyId: 'backend', role: 'backend' }, `k-${backend}`, {
      clientId: 'c',
      userId: 'alice',
      asset: 'BTC',
      amount: '10000000',
      destination: to,
    });
    expect(withdrawal.status).toBe('awaiting_approval');

    const runner = new PipelineRunner(deps, { chains: [{ chain: 'bitcoin', batchMaxAgeMs: 0 }] });
    now = new Date(now.getTime() + 120_000);
    await runner.tick();
    expect(await read(withdrawalsOpen, 'awaiting_approval')).toBe(1);
    expect(await read(withdrawalsOldestAge, 'awaiting_approval')).toBeGreaterThanOrEqual(120);
    expect(await read(withdrawalsOpen, 'approved')).toBe(0);

    await service.cancel({ keyId: 'backend', role: 'backend' }, withdrawal.id);
    await runner.tick(); // within the refresh interval: unchanged (no query)
    expect(await read(withdrawalsOpen, 'awaiting_approval')).toBe(1);
    now = new Date(now.getTime() + 5_000);
    await runner.tick();
    expect(await read(withdrawalsOpen, 'awaiting_approval')).toBe(0);
    expect(await read(withdrawalsOldestAge, 'awaiting_approval')).toBe(0);
  });
});
