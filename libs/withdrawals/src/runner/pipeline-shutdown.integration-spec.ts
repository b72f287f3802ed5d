import { openTestDatabase, testBackends, type TestDatabase } from '@strongroom/testing';
import type { FaultHook } from '../core/fault-points';
import { WithdrawalService } from '../requests/withdrawal.service';
import { bitcoinPipeline, fundAlice, regtestAddress, UNSIGNED_BTC_WALLET } from '../testing/bitcoin-pipeline';
import { withdrawalsContext } from '../withdrawals.context';
import { PipelineRunner } from './pipeline-runner';

interface Held {
  reached: Promise<void>;
  release: () => void;
}

/** A fault hook that holds the batcher inside its transaction, just before COMMIT, until released. */
function holdBatcher(): { hook: FaultHook; held: Held } {
  let reached = (): void => undefined;
  let release = (): void => undefined;
  const reachedP = new Promise<void>((r) => (reached = r));
  const released = new Promise<void>((r) => (release = r));
  const hook: FaultHook = async (point) => {
    if (point !== 'batcher.before_commit') return;
    reached();
    await released;
  };
  return { hook, held: { reached: reachedP, release } };
}

// Shutdown of the withdrawal workers: stop() starts no new step, waits for the one in progress
// (here the batcher, held on a latch before its COMMIT) and returns once it committed; a step held
// past the bound is given up on, and stop() returns anyway.
describe.each(testBackends())('withdrawal pipeline shutdown [%s]', (backend) => {
  let tdb: TestDatabase;
  let service: WithdrawalService;
  let n = 0;

  function runnerWith(fault: FaultHook): PipelineRunner {
    return new PipelineRunner(bitcoinPipeline(tdb.db).deps, {
      chains: [{ chain: 'bitcoin', batchMaxAgeMs: 0 }],
      idleMs: 20,
      fault,
      onError: () => undefined,
    });
  }

  async function requestOne(): Promise<string> {
    const to = regtestAddress();
    n += 1;
    const { withdrawal } = await service.request({ keyId: 'backend', role: 'backend' }, `k-${backend}-${n}`, {
      clientId: 'c',
      userId: 'alice',
      asset: 'BTC',
      amount: '1000000',
      destination: to,
    });
    return withdrawal.id;
  }

  const statusOf = async (id: string): Promise<string> =>
    (await tdb.db.query<{ status: string }>(`SELECT status FROM withdrawals.withdrawals WHERE id = $1`, [id]))[0]
      .status;

  beforeAll(async () => {
    tdb = await openTestDatabase(backend, { contexts: [withdrawalsContext] });
    const pipeline = bitcoinPipeline(tdb.db);
    service = new WithdrawalService(pipeline.deps);
    await fundAlice(pipeline, UNSIGNED_BTC_WALLET.id);
  });
  afterAll(async () => tdb?.close());

  it('waits for the step in progress, which commits, and starts no new one', async () => {
    const id = await requestOne();
    const { hook, held } = holdBatcher();
    const runner = runnerWith(hook);
    runner.start();
    await held.reached;
    const order: string[] = [];
    const stopped = runner.stop(120_000).then((outcome) => order.push(`stop returned: ${outcome}`));
    await new Promise((r) => setTimeout(r, 300));
    order.push('step released');
    held.release();
    await stopped;
    expect(order).toEqual(['step released', 'stop returned: stopped']);
    // The held batcher's write committed; the signer, the next step of the round, never ran.
    expect(await statusOf(id)).toBe('batched');
    const batches = await tdb.db.query<{ status: string }>(
      `SELECT b.status FROM withdrawals.batches b JOIN withdrawals.withdrawals w ON w.batch_id = b.id WHERE w.id = $1`,
      [id],
    );
    expect(batches).toEqual([{ status: 'batched' }]);
  });

  it('gives up on a step held past the bound, and returns', async () => {
    const id = await requestOne();
    const { hook, held } = holdBatcher();
    const runner = runnerWith(hook);
    runner.start();
    await held.reached;
    expect(await runner.stop(200)).toBe('abandoned');
    // Let the abandoned step end before the database closes in afterAll (shutdown would not wait).
    held.release();
    await runner.stop(120_000);
    expect(await statusOf(id)).toBe('batched');
  });
});
