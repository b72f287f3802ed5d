import { testBackends } from '@strongroom/testing';
import { metricsRegistry } from '@strongroom/shared-http';
import { PipelineRunner, ScriptedChainAdapter, type ChainPipelineOptions } from '@strongroom/withdrawals';
import { btcAddress, ETH, ethAddress } from './testing/fixtures';
import {
  problemOf,
  SCRIPTED_FLOAT,
  startScriptedWithdrawalApp,
  type WithdrawalTestApp,
} from './testing/withdrawal-test-app';
import { getWithdrawal, requestWithdrawal } from './testing/withdrawal-calls';

const BTC = 100_000_000n;
const LEASE = 30_000;

const chains: ChainPipelineOptions[] = [
  { chain: 'bitcoin', batchMaxSize: 50, batchMaxAgeMs: 0, leaseMs: LEASE, confirmations: 2 },
  { chain: 'ethereum', batchMaxSize: 50, batchMaxAgeMs: 0, leaseMs: LEASE, confirmations: 2 },
];

// The solvency gate: before a batch's digests go to KMS, liabilities of its asset must be backed
// by custody and its holds pending. A liability created out of nothing (the issue's attack:
// equity → user, then withdraw it) must stop signing of that asset, with no KMS Sign call.
for (const backend of testBackends()) {
  describe(`solvency gate before signing [${backend}]`, () => {
    let t: WithdrawalTestApp;
    let btc: ScriptedChainAdapter;
    let eth: ScriptedChainAdapter;
    let n = 0;
    const errors: string[] = [];
    const kmsSigns = () => t.kms.server.stats.byOperation.Sign ?? 0;
    const request = (body: Record<string, unknown>) => requestWithdrawal(t, body, `s-${++n}`);
    const get = (id: string) => getWithdrawal(t, id);
    const runner = () =>
      new PipelineRunner(t.deps, {
        chains,
        onError: (err) => errors.push((err as { code?: string }).code ?? String(err)),
      });
    const rounds = async (r: PipelineRunner, count = 8) => {
      for (let i = 0; i < count; i++) {
        await r.tick();
        btc.mine(2);
        eth.mine(2);
      }
    };
    const breaker = async (asset: string) =>
      (
        await t.tdb.db.query<{ tripped: boolean; reason: string }>(
          `SELECT tripped, reason FROM withdrawals.solvency_breakers WHERE asset = $1`,
          [asset],
        )
      )[0];

    beforeAll(async () => {
      ({ t, btc, eth } = await startScriptedWithdrawalApp(backend));
    });
    afterAll(async () => {
      await t?.close();
    });

    it('signs while liabilities are backed', async () => {
      await t.fund('acme', 'alice', 'BTC', BTC);
      const w = await request({
        clientId: 'acme',
        userId: 'alice',
        asset: 'BTC',
        amount: '10000000',
        destination: btcAddress(1),
      });
      await rounds(runner());
      expect((await get(w.id)).status).toBe('settled');
      expect(await breaker('BTC')).toBeUndefined();
    });

    it('stops signing an asset with an unbacked liability (no KMS Sign call), other assets still sign, clearing needs two admins', async () => {
      await t.fund('acme', 'alice', 'ETH', ETH);
      // The test-only path: equity → user, more than the operator's float in custody.
      const injected = SCRIPTED_FLOAT.BTC + BTC / 2n;
      await t.injectLiability('acme', 'mallory', 'BTC', injected);
      const stolen = await request({
        clientId: 'acme',
        userId: 'mallory',
        asset: 'BTC',
        amount: '50000000',
        destination: btcAddress(666),
      });
      const honestEth = await request({
        clientId: 'acme',
        userId: 'alice',
        asset: 'ETH',
        amount: '100000000000000000',
        destination: ethAddress(2),
      });
      const signsBefore = kmsSigns();
      const ethBroadcasts = eth.broadcasts.length;
      errors.length = 0;
      await rounds(runner());

      // BTC: refused before KMS, breaker tripped with an incident, a webhook event and an audit record.
      expect((await get(stolen.id)).status).toBe('signing');
      const stolenBatch = (await get(stolen.id)).batchId;
      expect(stolenBatch).not.toBeNull();
      expect(btc.broadcasts.some((b) => b.batchId === stolenBatch)).toBe(false);
      expect(errors).toContain('solvency.breaker_tripped');
      expect(await breaker('BTC')).toEqual({ tripped: true, reason: 'ledger_shortfall' });
      const [incident] = await t.tdb.db.query<{ asset: string; detail: { shortfall: string } }>(
        `SELECT asset, detail FROM withdrawals.solvency_incidents WHERE asset = 'BTC'`,
      );
      expect(BigInt(incident.detail.shortfall)).toBeGreaterThan(0n);
      expect(
        await t.tdb.db.query(
          `SELECT 1 FROM events.outbox WHERE type = 'withdrawals.solvency_breaker_tripped' AND subject = 'asset:BTC'`,
        ),
      ).toHaveLength(1);
      expect(
        await t.tdb.db.query(
          `SELECT 1 FROM audit.entries WHERE action = 'withdrawal_solvency_breaker.tripped' AND subject_id = 'BTC'`,
        ),
      ).toHaveLength(1);
      expect(await metricsRegistry.getSingleMetricAsString('strongroom_solvency_breaker_tripped')).toMatch(
        /asset="BTC"} 1/,
      );
      // ETH is not affected: it signed (two KMS Sign calls for 2-of-3) and settles.
      expect((await get(honestEth.id)).status).toBe('settled');
      expect(eth.broadcasts.length).toBe(ethBroadcasts + 1);
      expect(kmsSigns() - signsBefore).toBe(2);

      // Even a fully backed BTC withdrawal waits while the breaker is tripped.
      const honestBtc = await request({
        clientId: 'acme',
        userId: 'alice',
        asset: 'BTC',
        amount: '1000000',
        destination: btcAddress(3),
      });
      const signsTripped = kmsSigns();
      t.clock.advance(LEASE + 1);
      await rounds(runner(), 3);
      expect((await get(honestBtc.id)).status).not.toBe('settled');
      expect(kmsSigns()).toBe(signsTripped);

      // Clearing: one admin proposes; the same admin (or another key of the same owner) cannot approve.
      const proposed = await t.call(t.keys.admin, 'POST', '/v1/solvency/BTC/clear', { reason: 'investigated' });
      expect(proposed.status).toBe(202);
      const change = (await proposed.json()) as { id: string; kind: string };
      expect(change.kind).toBe('withdrawals.solvency_clear');
      expect((await problemOf(await t.call(t.keys.admin, 'POST', `/v1/changes/${change.id}/approve`))).code).toBe(
        'change.same_person',
      );
      expect((await breaker('BTC')).tripped).toBe(true);
      expect(
        (await problemOf(await t.call(t.keys.backend, 'POST', '/v1/solvency/BTC/clear', { reason: 'x' }))).code,
      ).toBe('auth.forbidden_role');
      expect((await t.call(t.keys.admin2, 'POST', `/v1/changes/${change.id}/approve`)).status).toBe(200);
      expect((await breaker('BTC')).tripped).toBe(false);
      expect(
        await t.tdb.db.query(`SELECT 1 FROM events.outbox WHERE type = 'withdrawals.solvency_breaker_cleared'`),
      ).toHaveLength(1);

      // The cause is still there: the next attempt trips it again, still without a signature.
      t.clock.advance(LEASE + 1);
      await rounds(runner(), 2);
      expect((await breaker('BTC')).tripped).toBe(true);
      expect(kmsSigns()).toBe(signsTripped);
      // What auditors read: the breaker, and both incidents newest first, one page at a time.
      const breakers = (await (await t.call(t.keys.auditor, 'GET', '/v1/solvency/breakers')).json()) as {
        data: { asset: string; tripped: boolean; clearChangeId: string | null }[];
        nextCursor: string | null;
      };
      expect(breakers).toEqual({
        data: [expect.objectContaining({ asset: 'BTC', tripped: true, clearChangeId: null })],
        nextCursor: null,
      });
      const incidentIds: string[] = [];
      let cursor: string | null = null;
      do {
        const page = (await (
          await t.call(t.keys.auditor, 'GET', `/v1/solvency/incidents?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
        ).json()) as { data: { id: string }[]; nextCursor: string | null };
        incidentIds.push(...page.data.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      const stored = await t.tdb.db.query<{ id: string }>(
        `SELECT id FROM withdrawals.solvency_incidents WHERE asset = 'BTC' ORDER BY created_at DESC, id`,
      );
      expect(stored).toHaveLength(2);
      expect(incidentIds).toEqual(stored.map((r) => r.id));

      // Covered: operator capital into custody (in production an admin-pair ledger correction), then a pair clears.
      const wallet = t.wallets.get('bitcoin')!;
      const custody = await t.ledger.openAccount({
        clientId: 'operator',
        ownerId: wallet.id,
        asset: 'BTC',
        kind: 'custody',
      });
      const capital = await t.ledger.openAccount({
        clientId: 'operator',
        ownerId: 'loss-cover',
        asset: 'BTC',
        kind: 'equity',
      });
      await t.ledger.transfer({
        id: 'test:cover:BTC',
        debitAccountId: custody.id,
        creditAccountId: capital.id,
        amount: injected,
        code: 'test',
      });
      const again = (await (
        await t.call(t.keys.admin2, 'POST', '/v1/solvency/BTC/clear', { reason: 'loss covered by operator capital' })
      ).json()) as { id: string };
      expect((await t.call(t.keys.admin, 'POST', `/v1/changes/${again.id}/approve`)).status).toBe(200);
      t.clock.advance(LEASE + 1);
      await rounds(runner());
      expect((await get(honestBtc.id)).status).toBe('settled');
      expect(kmsSigns()).toBeGreaterThan(signsTripped);
      expect((await breaker('BTC')).tripped).toBe(false);
      expect((await t.ledger.checkInvariants()).ok).toBe(true);
    });

    it('refuses a batch whose hold is no longer pending, before KMS', async () => {
      await t.fund('acme', 'bob', 'ETH', ETH);
      const w = await request({
        clientId: 'acme',
        userId: 'bob',
        asset: 'ETH',
        amount: '200000000000000000',
        destination: ethAddress(4),
      });
      const [worker] = runner().workers.filter((x) => x.chain === 'ethereum');
      await worker.batcher.runOnce();
      await worker.signer.prepare();
      expect((await get(w.id)).status).toBe('signing');
      // Behind the pipeline's back (test-only): the hold is voided, so nothing backs this payout any more.
      const user = await t.ledger.findAccount({ clientId: 'acme', ownerId: 'bob', asset: 'ETH', kind: 'user' });
      const inFlight = await t.ledger.findAccount({
        clientId: 'operator',
        ownerId: 'withdrawals:ethereum',
        asset: 'ETH',
        kind: 'in_flight',
      });
      await t.ledger.transfer({
        id: 'test:void-behind',
        debitAccountId: user!.id,
        creditAccountId: inFlight!.id,
        pendingId: `withdrawal:${w.id}:hold`,
        flags: ['void_pending'],
      });
      const signs = kmsSigns();
      await expect(worker.signer.sign()).rejects.toMatchObject({ code: 'solvency.breaker_tripped' });
      expect(kmsSigns()).toBe(signs);
      expect(await breaker('ETH')).toEqual({ tripped: true, reason: 'hold_invalid' });
      const [incident] = await t.tdb.db.query<{ detail: { withdrawalId: string; hold: { state: string } } }>(
        `SELECT detail FROM withdrawals.solvency_incidents WHERE asset = 'ETH'`,
      );
      expect(incident.detail).toMatchObject({ withdrawalId: w.id, hold: { state: 'voided' } });
    });
  });
}
