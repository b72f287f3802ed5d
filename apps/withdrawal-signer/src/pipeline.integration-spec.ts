import { testBackends } from '@strongroom/testing';
import {
  ScriptedChainAdapter,
  type ChainPipelineOptions,
  type FaultPoint,
  type Withdrawal,
} from '@strongroom/withdrawals';
import { btcAddress, ETH, ethAddress } from './testing/fixtures';
import { startScriptedWithdrawalApp, type WithdrawalTestApp } from './testing/withdrawal-test-app';
import { getWithdrawal, holdState, requestWithdrawal } from './testing/withdrawal-calls';

const BTC = 100_000_000n;
const LEASE = 30_000;

const chains: ChainPipelineOptions[] = [
  { chain: 'bitcoin', batchMaxSize: 50, batchMaxAgeMs: 0, leaseMs: LEASE, confirmations: 2, rebroadcastAfterMs: 1_000 },
  {
    chain: 'ethereum',
    batchMaxSize: 50,
    batchMaxAgeMs: 0,
    leaseMs: LEASE,
    confirmations: 2,
    rebroadcastAfterMs: 1_000,
  },
];

for (const backend of testBackends()) {
  describe(`withdrawal pipeline [${backend}]`, () => {
    let t: WithdrawalTestApp;
    let btc: ScriptedChainAdapter;
    let eth: ScriptedChainAdapter;
    let n = 0;

    const request = (body: Record<string, unknown>) => requestWithdrawal(t, body, `p-${++n}`);
    const get = (id: string) => getWithdrawal(t, id);
    const hold = (id: string) => holdState(t, id);
    const balance = async (
      clientId: string,
      ownerId: string,
      asset: string,
      kind: 'user' | 'custody' | 'in_flight' | 'fee_revenue' | 'fee_expense',
    ) => {
      const a = await t.ledger.findAccount({ clientId, ownerId, asset, kind });
      if (!a) return { net: 0n, pending: 0n };
      const b = await t.ledger.balances(a.id);
      return { net: b.creditsPosted - b.debitsPosted, pending: b.debitsPending + b.creditsPending };
    };
    /** Rounds of every worker, mining two blocks after each, until nothing moves. */
    const runToEnd = async (runner = t.runner(chains)) => {
      for (let i = 0; i < 12; i++) {
        const moved = await runner.tick();
        btc.mine(2);
        eth.mine(2);
        if (!moved && i > 2) break;
      }
    };
    const expectBalancedLedger = async () => {
      const report = await t.ledger.checkInvariants();
      expect(report.violations).toEqual([]);
      expect(report.ok).toBe(true);
    };

    beforeAll(async () => {
      ({ t, btc, eth } = await startScriptedWithdrawalApp(backend));
    });
    afterAll(async () => {
      await t?.close();
    });

    it('takes withdrawals from request to settlement with the exact ledger legs', async () => {
      expect(
        (
          await t.changePolicy('BTC', 'flow', {
            withdrawalFee: '500',
            approvalThreshold: '100000000',
            approvalsRequired: 1,
          })
        ).status,
      ).toBe(200);
      await t.fund('flow', 'alice', 'BTC', 3n * BTC);
      await t.fund('flow', 'bob', 'ETH', 5n * ETH);
      const walletBtc = t.wallets.get('bitcoin')!.id;
      const walletEth = t.wallets.get('ethereum')!.id;
      const custodyBefore = await balance('operator', walletBtc, 'BTC', 'custody');
      const w1 = await request({
        clientId: 'flow',
        userId: 'alice',
        asset: 'BTC',
        amount: '50000000',
        destination: btcAddress(100),
      });
      const w2 = await request({
        clientId: 'flow',
        userId: 'alice',
        asset: 'BTC',
        amount: '120000000',
        destination: btcAddress(101),
      });
      const w3 = await request({
        clientId: 'flow',
        userId: 'bob',
        asset: 'ETH',
        amount: '1500000000000000000',
        destination: ethAddress(102),
      });
      expect([w1.status, w2.status, w3.status]).toEqual(['approved', 'awaiting_approval', 'approved']);
      const signaturesBefore = t.signer.signatures;

      const runner = t.runner(chains);
      await runner.tick();
      expect((await get(w1.id)).status).toBe('broadcast');
      expect((await get(w2.id)).status).toBe('awaiting_approval');
      await t.call(t.keys.approver1, 'POST', `/v1/approvals/${w2.id}/approve`);
      await runToEnd(runner);

      for (const w of [w1, w2, w3]) {
        const got = await get(w.id);
        expect(got.status).toBe('settled');
        expect(got.txid).toMatch(/^[0-9a-f]{64}$/);
        expect(await hold(w.id)).toBe('posted');
      }
      // Two BTC batches (w2 came later) and one ETH batch, each broadcast exactly once.
      expect([...btc.txidsByBatch().values()].map((s) => s.size)).toEqual([1, 1]);
      expect(btc.broadcasts).toHaveLength(2);
      expect(eth.broadcasts).toHaveLength(1);
      // 2-of-3 wallets, one digest per key on the scripted chain: two KMS signatures per batch.
      expect(t.signer.signatures - signaturesBefore).toBe(6);
      // The relayer nonce was reserved in the database for the Ethereum batch.
      const nonces = await t.tdb.db.query<{ nonce: string }>(
        `SELECT nonce::text FROM withdrawals.nonces WHERE chain = 'ethereum' ORDER BY nonce`,
      );
      expect(nonces.map((r) => r.nonce)).toEqual(['0']);

      // User: −(amount + fee); custody: −(amount + network fee); revenue +fee; expense +network fee; in-flight 0.
      expect((await balance('flow', 'alice', 'BTC', 'user')).net).toBe(3n * BTC - 170_000_000n - 1_000n);
      expect((await balance('flow', 'alice', 'BTC', 'user')).pending).toBe(0n);
      const custodyAfter = await balance('operator', walletBtc, 'BTC', 'custody');
      expect(custodyAfter.net - custodyBefore.net).toBe(170_000_000n + 2n * btc.fee);
      expect((await balance('operator', 'withdrawal_fees', 'BTC', 'fee_revenue')).net).toBe(1_000n);
      expect((await balance('operator', walletBtc, 'BTC', 'fee_expense')).net).toBe(-2n * btc.fee);
      expect(await balance('operator', 'withdrawals:bitcoin', 'BTC', 'in_flight')).toEqual({ net: 0n, pending: 0n });
      expect((await balance('flow', 'bob', 'ETH', 'user')).net).toBe(5n * ETH - 15n * 10n ** 17n);
      expect((await balance('operator', walletEth, 'ETH', 'fee_expense')).net).toBe(-eth.fee);
      await expectBalancedLedger();
      const history = (await (await t.call(t.keys.auditor, 'GET', `/v1/withdrawals/${w1.id}`)).json()) as Withdrawal;
      expect(history.history?.map((h) => h.to)).toEqual([
        'requested',
        'held',
        'approved',
        'batched',
        'signing',
        'signed',
        'broadcast',
        'confirmed',
        'settled',
      ]);
      const audited = await t.tdb.db.query(
        `SELECT action FROM audit.entries WHERE subject_type = 'withdrawal' AND subject_id = $1 ORDER BY id`,
        [w1.id],
      );
      expect(audited.map((a) => a.action)).toEqual(history.history?.map((h) => `withdrawal.${h.to}`));
      const events = await t.tdb.db.query(`SELECT type FROM events.outbox WHERE subject = $1`, [w1.id]);
      expect(events).toHaveLength(9);
    });

    const points: FaultPoint[] = [
      'batcher.before_commit',
      'signer.prepare.before_commit',
      'signer.after_prepare',
      'signer.after_sign',
      'broadcaster.after_broadcast',
      'confirmer.before_commit',
      'settler.before_commit',
    ];
    it.each(points)('recovers from a worker dying at %s: one broadcast per batch, every hold posted', async (point) => {
      // One registered client; a user per fault point.
      const client = 'crash';
      const user = point.replace(/[^a-z]/g, '');
      await t.fund(client, user, 'BTC', BTC);
      const ws = [];
      for (let i = 0; i < 3; i++)
        ws.push(
          await request({
            clientId: client,
            userId: user,
            asset: 'BTC',
            amount: '10000000',
            destination: btcAddress(200 + i),
          }),
        );
      let fired = 0;
      const dying = t.runner(chains, (p) => {
        if (p === point && fired === 0) {
          fired += 1;
          throw new Error(`killed at ${p}`);
        }
      });
      const broadcastsBefore = btc.broadcasts.length;
      // The dying process: it gets as far as the fault point, then stops for good.
      for (let i = 0; i < 6 && fired === 0; i++) {
        await dying.tick().catch(() => undefined);
        btc.mine(2);
      }
      expect(fired).toBe(1);
      // A fresh process after the dead one's leases ran out.
      t.clock.advance(LEASE + 1);
      await runToEnd();
      for (const w of ws) {
        expect((await get(w.id)).status).toBe('settled');
        expect(await hold(w.id)).toBe('posted');
      }
      const batchIds = new Set((await Promise.all(ws.map((w) => get(w.id)))).map((w) => w.batchId));
      expect(batchIds.size).toBe(1);
      const txids = btc.txidsByBatch().get([...batchIds][0]!);
      expect(txids?.size).toBe(1);
      // Re-sends after the crash are the same bytes ("already known"), never a second transaction.
      const sends = btc.broadcasts.slice(broadcastsBefore).filter((s) => batchIds.has(s.batchId));
      expect(sends.length).toBeGreaterThan(0);
      expect(new Set(sends.map((s) => JSON.parse(s.raw).payload)).size).toBe(1);
      expect((await balance(client, user, 'BTC', 'user')).net).toBe(BTC - 30_000_000n);
      await expectBalancedLedger();
    });

    it('fails a batch whose built transaction does not match the approved outputs, before any signature', async () => {
      await t.fund('intent', 'u', 'BTC', BTC);
      const w = await request({
        clientId: 'intent',
        userId: 'u',
        asset: 'BTC',
        amount: '20000000',
        destination: btcAddress(300),
      });
      const signatures = t.signer.signatures;
      btc.tamper = (p) => ({ ...p, outputs: p.outputs.map((o) => ({ ...o, address: btcAddress(666) })) });
      try {
        await expect(t.runner(chains).tick()).rejects.toMatchObject({ code: 'withdrawal.intent_mismatch' });
      } finally {
        btc.tamper = null;
      }
      await runToEnd();
      const got = await get(w.id);
      expect(got).toMatchObject({ status: 'failed', rule: 'intent_mismatch' });
      expect(t.signer.signatures).toBe(signatures);
      expect(btc.broadcasts.some((b) => b.batchId === got.batchId)).toBe(false);
      expect(await hold(w.id)).toBe('voided');
      expect((await balance('intent', 'u', 'BTC', 'user')).net).toBe(BTC);
      await expectBalancedLedger();
    });

    it('voids the holds of a batch that fails on chain; re-sends the same bytes when the node was down', async () => {
      await t.fund('chainfail', 'u', 'BTC', BTC);
      const w = await request({
        clientId: 'chainfail',
        userId: 'u',
        asset: 'BTC',
        amount: '30000000',
        destination: btcAddress(400),
      });
      const runner = t.runner(chains);
      btc.failNextBroadcasts = 1;
      await runner.tick().catch(() => undefined);
      expect((await get(w.id)).status).toBe('signed');
      t.clock.advance(LEASE + 1);
      await runner.tick();
      const got = await get(w.id);
      expect(got.status).toBe('broadcast');
      btc.failTx(got.txid!, 'double spend');
      await runner.tick();
      expect(await get(w.id)).toMatchObject({ status: 'failed', rule: 'chain_failure' });
      expect(await hold(w.id)).toBe('voided');
      expect((await balance('chainfail', 'u', 'BTC', 'user')).net).toBe(BTC);
      await expectBalancedLedger();
    });

    it('lets a batched withdrawal be cancelled but not a signed one', async () => {
      await t.fund('cancelpipe', 'u', 'ETH', ETH);
      const a = await request({
        clientId: 'cancelpipe',
        userId: 'u',
        asset: 'ETH',
        amount: '100000000000000000',
        destination: ethAddress(500),
      });
      const b = await request({
        clientId: 'cancelpipe',
        userId: 'u',
        asset: 'ETH',
        amount: '200000000000000000',
        destination: ethAddress(501),
      });
      const runner = t.runner(chains);
      const [w] = runner.workers.filter((x) => x.chain === 'ethereum');
      await w.batcher.runOnce();
      expect((await get(a.id)).status).toBe('batched');
      const c = await t.call(t.keys.backend, 'POST', `/v1/withdrawals/${a.id}/cancel`, {});
      expect(((await c.json()) as Withdrawal).status).toBe('cancelled');
      await w.signer.runOnce();
      expect((await get(b.id)).status).toBe('signed');
      const refused = await t.call(t.keys.backend, 'POST', `/v1/withdrawals/${b.id}/cancel`, {});
      expect(refused.status).toBe(409);
      await runToEnd(runner);
      expect((await get(b.id)).status).toBe('settled');
      const batchId = (await get(b.id)).batchId;
      const sent = eth.broadcasts.filter((x) => x.batchId === batchId);
      expect(sent).toHaveLength(1);
      expect(sent.every((s) => !JSON.parse(s.raw).payload.includes(ethAddress(500)))).toBe(true);
      expect((await balance('cancelpipe', 'u', 'ETH', 'user')).net).toBe(ETH - 2n * 10n ** 17n);
      await expectBalancedLedger();
    });
  });
}
