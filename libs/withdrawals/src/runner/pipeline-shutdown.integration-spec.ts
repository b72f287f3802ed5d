import { ensureClient } from '@strongroom/api-auth';
import { AuditLog } from '@strongroom/audit';
import type { CustodyWallet } from '@strongroom/chains-core';
import { enqueue } from '@strongroom/events';
import { LedgerService } from '@strongroom/ledger';
import { AssetRegistry } from '@strongroom/shared-assets';
import { openTestDatabase, testBackends, type TestDatabase } from '@strongroom/testing';
import { networks, payments } from 'bitcoinjs-lib';
import { OPERATOR } from '../core/ledger-accounts';
import type { FaultHook } from '../core/fault-points';
import { WithdrawalService } from '../requests/withdrawal.service';
import { OPEN_POLICY } from '../testing/open-policy';
import { ScriptedChainAdapter } from '../testing/scripted-chain-adapter';
import { withdrawalsContext } from '../withdrawals.context';
import { createPipelineDeps, type SignerDeps } from './create-pipeline-deps';
import { PipelineRunner } from './pipeline-runner';

const BTC = 100_000_000n;

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
  const wallet: CustodyWallet = {
    id: 'wallet-btc',
    chain: 'bitcoin',
    threshold: 2,
    publicKeys: ['02' + '11'.repeat(32), '03' + '22'.repeat(32), '02' + '33'.repeat(32)],
  };
  let n = 0;

  function depsWith(fault: FaultHook): { deps: SignerDeps; runner: PipelineRunner } {
    const ledger = new LedgerService(tdb.db);
    const deps = createPipelineDeps({
      db: tdb.db,
      ledger,
      audit: new AuditLog(tdb.db),
      outbox: { enqueue },
      wallets: { walletFor: async () => wallet },
      signer: { sign: () => Promise.reject(new Error('no signing in this test')) },
      adapters: [new ScriptedChainAdapter('bitcoin')],
      assets: new AssetRegistry().withAssets([{ code: 'BTC', confirmations: 2 }]),
    });
    const runner = new PipelineRunner(deps, {
      chains: [{ chain: 'bitcoin', batchMaxAgeMs: 0 }],
      idleMs: 20,
      fault,
      onError: () => undefined,
    });
    return { deps, runner };
  }

  async function requestOne(): Promise<string> {
    const to = payments.p2wpkh({ hash: Buffer.alloc(20, 1), network: networks.regtest }).address as string;
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
    const { deps } = depsWith(async () => undefined);
    const ledger = new LedgerService(tdb.db);
    service = new WithdrawalService(deps);
    await ensureClient(tdb.db, { id: 'c', name: 'c', custody: 'pooled' });
    await deps.policies.put({ keyId: 'admin-test', role: 'admin' }, 'BTC', '*', OPEN_POLICY);
    const user = await ledger.openAccount({ clientId: 'c', ownerId: 'alice', asset: 'BTC', kind: 'user' });
    const custody = await ledger.openAccount({
      clientId: OPERATOR,
      ownerId: wallet.id,
      asset: 'BTC',
      kind: 'custody',
    });
    await ledger.transfer({
      id: 'deposit:test:alice',
      debitAccountId: custody.id,
      creditAccountId: user.id,
      amount: BTC,
      code: 'deposit',
    });
  });
  afterAll(async () => tdb?.close());

  it('waits for the step in progress, which commits, and starts no new one', async () => {
    const id = await requestOne();
    const { hook, held } = holdBatcher();
    const { runner } = depsWith(hook);
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
    const { runner } = depsWith(hook);
    runner.start();
    await held.reached;
    expect(await runner.stop(200)).toBe('abandoned');
    // Let the abandoned step end before the database closes in afterAll (shutdown would not wait).
    held.release();
    await runner.stop(120_000);
    expect(await statusOf(id)).toBe('batched');
  });
});
