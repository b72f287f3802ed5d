import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Withdrawal } from '@strongroom/withdrawals';
import { ScriptedChainAdapter } from '@strongroom/withdrawals';
import { btcAddress } from './testing/fixtures';
import { RemoteScriptedChainAdapter, startChainNode, type ChainNodeServer } from './testing/remote-chain';
import { startWithdrawalTestApp, type WithdrawalTestApp } from './testing/withdrawal-test-app';
import { getWithdrawal, holdState } from './testing/withdrawal-calls';

const LEASE = 20_000;
const ROOT = path.resolve(__dirname, '../../..');

// A real process killed with SIGKILL between broadcasting and recording the broadcast. Needs a
// database two processes can share: PostgreSQL (DATABASE_URL); PGlite is one in-process session.
const maybe = process.env.DATABASE_URL ? describe : describe.skip;

maybe('a withdrawal worker killed with SIGKILL after broadcasting [postgres]', () => {
  let t: WithdrawalTestApp;
  let node: ChainNodeServer;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    node = await startChainNode('bitcoin');
    // The test process serves the API; its own adapter is only used after the child is dead.
    t = await startWithdrawalTestApp('postgres', [new ScriptedChainAdapter('bitcoin')]);
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await t?.close();
    await node?.close();
  });

  it('re-sends the same transaction after restart: one broadcast per batch, every hold posted, ledger balanced', async () => {
    await t.fund('kill', 'u', 'BTC', 100_000_000n);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await t.call(
        t.keys.backend,
        'POST',
        '/v1/withdrawals',
        { clientId: 'kill', userId: 'u', asset: 'BTC', amount: '10000000', destination: btcAddress(900 + i) },
        { 'Idempotency-Key': `kill-${i}` },
      );
      ids.push(((await res.json()) as Withdrawal).id);
    }
    const killed = new Promise<number | null>((resolve) => {
      node.onAccepted = () => {
        // The node has the transaction; the child has not recorded it. Kill it right now.
        child?.kill('SIGKILL');
        node.onAccepted = null;
      };
      child = spawn(
        process.execPath,
        [path.join(ROOT, 'tools/run.js'), path.join(ROOT, 'apps/withdrawal-signer/src/testing/pipeline-child.ts')],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            DATABASE_URL: t.tdb.url,
            KMS_CONFIG: JSON.stringify({ ...t.kms.config, requestsPerSecond: 1000 }),
            CHAIN_NODE_URL: node.url,
            LEASE_MS: String(LEASE),
            LOG_LEVEL: 'silent',
          },
          stdio: 'ignore',
        },
      );
      child.on('exit', (_code, signal) => resolve(signal === 'SIGKILL' ? 9 : null));
    });
    expect(await killed).toBe(9);
    expect(node.adapter.broadcasts).toHaveLength(1);
    const [{ batchId, raw }] = node.adapter.broadcasts;
    for (const id of ids) expect((await getWithdrawal(t, id)).status).toBe('signed');

    // Restart: a fresh pipeline (this process) once the dead worker's lease has run out.
    t.clock.advance(LEASE + 1);
    t.deps.adapters.set('bitcoin', new RemoteScriptedChainAdapter('bitcoin', node.url));
    const runner = t.runner([
      { chain: 'bitcoin', batchMaxSize: 50, batchMaxAgeMs: 0, leaseMs: LEASE, confirmations: 2 },
    ]);
    for (let i = 0; i < 6; i++) {
      await runner.tick();
      node.adapter.mine(2);
    }
    // Re-sent once, byte for byte; the node answered "already known".
    expect(node.adapter.broadcasts).toHaveLength(2);
    expect(node.adapter.broadcasts[1]).toMatchObject({ batchId, raw, alreadyKnown: true });
    expect(node.adapter.txidsByBatch().get(batchId)?.size).toBe(1);
    for (const id of ids) {
      expect((await getWithdrawal(t, id)).status).toBe('settled');
      expect(await holdState(t, id)).toBe('posted');
    }
    expect((await t.ledger.checkInvariants()).ok).toBe(true);
  });
});
