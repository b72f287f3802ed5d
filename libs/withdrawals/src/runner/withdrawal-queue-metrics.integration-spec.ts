import { openTestDatabase, testBackends, type TestDatabase } from '@strongroom/testing';
import { WithdrawalService } from '../requests/withdrawal.service';
import { bitcoinPipeline, fundAlice, regtestAddress, UNSIGNED_BTC_WALLET } from '../testing/bitcoin-pipeline';
import { OPEN_POLICY } from '../testing/open-policy';
import { withdrawalsContext } from '../withdrawals.context';
import type { SignerDeps } from './create-pipeline-deps';
import { PipelineRunner } from './pipeline-runner';
import { withdrawalsOldestAge, withdrawalsOpen } from './withdrawal-queue-metrics';

const read = async (g: typeof withdrawalsOpen, status: string): Promise<number | undefined> =>
  (await g.get()).values.find((v) => v.labels.chain === 'bitcoin' && v.labels.status === status)?.value;

// The queue gauges as the pipeline runner refreshes them: a withdrawal waiting for approval is
// counted and ages; once cancelled (after the refresh interval) it is gone from the queue.
describe.each(testBackends())('withdrawal queue metrics [%s]', (backend) => {
  let tdb: TestDatabase;
  let deps: SignerDeps;
  let now = new Date('2026-12-02T09:00:00Z');

  beforeAll(async () => {
    tdb = await openTestDatabase(backend, { contexts: [withdrawalsContext] });
    const pipeline = bitcoinPipeline(tdb.db, { clock: { now: () => now } });
    deps = pipeline.deps;
    // Every withdrawal above 1 base unit waits for one approval, so the runner leaves it queued.
    await fundAlice(pipeline, UNSIGNED_BTC_WALLET.id, { ...OPEN_POLICY, approvalThreshold: 1n });
  });
  afterAll(async () => tdb?.close());

  it('counts a waiting withdrawal and its age per status, and drops it once cancelled', async () => {
    const service = new WithdrawalService(deps);
    const to = regtestAddress();
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
