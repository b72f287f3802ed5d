import {
  assertAllRoutesGuarded,
  createApiKey,
  ensureClient,
  signedFetch,
  updateClient,
  type ApiCredentials,
} from '@strongroom/api-auth';
import { testBackends } from '@strongroom/testing';
import { ScriptedChainAdapter, type Withdrawal } from '@strongroom/withdrawals';
import { btcAddress, ethAddress, stateCounts } from './testing/fixtures';
import { problemOf, startWithdrawalTestApp, type WithdrawalTestApp } from './testing/withdrawal-test-app';

const BTC = 100_000_000n;

for (const backend of testBackends()) {
  describe(`withdrawal API over HTTP [${backend}]`, () => {
    let t: WithdrawalTestApp;
    let btc: ScriptedChainAdapter;
    let beta: ApiCredentials;
    let frozen: ApiCredentials;
    let n = 0;
    const key = () => `k-${++n}`;
    const request = (body: Record<string, unknown>, idem = key(), who = t.keys.backend) =>
      t.call(who, 'POST', '/v1/withdrawals', body, { 'Idempotency-Key': idem });
    const available = async (accountId: string) => {
      const b = await t.ledger.balances(accountId);
      return b.creditsPosted - b.debitsPosted - b.debitsPending;
    };

    beforeAll(async () => {
      btc = new ScriptedChainAdapter('bitcoin');
      t = await startWithdrawalTestApp(backend, [btc, new ScriptedChainAdapter('ethereum')]);
      // A backend key of another client only, and a suspended client.
      beta = await createApiKey(t.tdb.db, {
        name: 'beta backend',
        role: 'backend',
        owner: 'beta ops',
        clients: ['beta'],
      });
      await ensureClient(t.tdb.db, { id: 'frozen', name: 'frozen', custody: 'pooled' });
      frozen = await createApiKey(t.tdb.db, { name: 'frozen backend', role: 'backend', clients: ['frozen'] });
      await t.fund('frozen', 'u1', 'BTC', BTC);
      await updateClient(t.tdb.db, 'frozen', { status: 'suspended' });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('guards every route with a role', () => {
      expect(assertAllRoutesGuarded(t.app).length).toBeGreaterThan(5);
    });

    it('holds the amount and auto-approves below the threshold; a retry returns the original', async () => {
      const user = await t.fund('acme', 'u-hold', 'BTC', 1n * BTC);
      const body = {
        clientId: 'acme',
        userId: 'u-hold',
        asset: 'BTC',
        amount: '25000000',
        destination: btcAddress(1),
        reference: 'r1',
      };
      const res = await request(body, 'same-key');
      expect(res.status).toBe(201);
      const w = (await res.json()) as Withdrawal;
      expect(w).toMatchObject({ status: 'approved', amount: '25000000', rule: 'auto_approve', asset: 'BTC' });
      expect(await available(user)).toBe(75_000_000n);
      const before = await stateCounts(t.tdb.db);
      // Leading zeros do not make another request: the hash covers the parsed base units.
      const again = await request({ ...body, amount: '025000000' }, 'same-key');
      expect(again.status).toBe(200);
      expect(((await again.json()) as Withdrawal).id).toBe(w.id);
      const other = await request({ ...body, amount: '26000000' }, 'same-key');
      expect(other.status).toBe(409);
      expect((await problemOf(other)).code).toBe('idempotency.conflict');
      expect(await stateCounts(t.tdb.db)).toEqual(before);
      expect(await available(user)).toBe(75_000_000n);
      const got = (await (await t.call(t.keys.auditor, 'GET', `/v1/withdrawals/${w.id}`)).json()) as Withdrawal;
      expect(got.history?.map((h) => h.to)).toEqual(['requested', 'held', 'approved']);
    });

    it('refuses bad input with problem+json and changes nothing', async () => {
      await t.fund('acme', 'u-bad', 'BTC', BTC);
      await t.fund('acme', 'u-bad', 'ETH', 10n ** 18n);
      const ok = { clientId: 'acme', userId: 'u-bad', asset: 'BTC', amount: '10000000', destination: btcAddress(2) };
      const before = await stateCounts(t.tdb.db);
      const cases: [Promise<Response>, number, string][] = [
        // Base units only: a decimal point, an exponent or a JSON number is refused, not guessed at.
        [request({ ...ok, amount: '0.1' }), 400, 'amount.base_units_expected'],
        [request({ ...ok, amount: '1e-3' }), 400, 'amount.base_units_expected'],
        [request({ ...ok, amount: '-1' }), 400, 'amount.not_positive'],
        [request({ ...ok, amount: '0' }), 400, 'amount.not_positive'],
        [request({ ...ok, amount: 0.1 }), 400, 'request.invalid'],
        [request({ ...ok, destination: 'bc1qnotanaddress' }), 400, 'address.malformed'],
        [
          request({ ...ok, asset: 'ETH', destination: ethAddress(3).toLowerCase().replace('0xa', '0xA') }),
          400,
          'address.checksum',
        ],
        [request({ ...ok, asset: 'DOGE' }), 404, 'asset.unknown'],
        [request({ ...ok, userId: 'nobody' }), 404, 'user.unknown'],
        [request({ ...ok, extra: 1 }), 400, 'request.invalid'],
        [request({ ...ok, amount: '500000000' }), 422, 'withdrawal.insufficient_funds'],
        [t.call(t.keys.backend, 'POST', '/v1/withdrawals', ok), 400, 'idempotency.key_required'],
        [request(ok, key(), t.keys.approver1), 403, 'auth.forbidden_role'],
        [request(ok, key(), t.keys.auditor), 403, 'auth.forbidden_role'],
        // Only a backend key requests: an admin (who passes every role check) cannot push one through alone.
        [request(ok, key(), t.keys.admin), 403, 'auth.forbidden_role'],
        // Client scope and the registry: another client's key, an unknown client, a suspended one.
        [request(ok, key(), beta), 403, 'auth.forbidden_client'],
        [request({ ...ok, clientId: 'ghost' }), 403, 'auth.forbidden_client'],
        [request({ ...ok, clientId: 'frozen', userId: 'u1' }, key(), frozen), 422, 'client.suspended'],
      ];
      for (const [res, status, code] of cases) {
        const r = await res;
        const p = await problemOf(r);
        expect([r.status, p.code]).toEqual([status, code]);
      }
      // A replayed signature (same nonce) is refused before anything runs.
      const headers = { 'Idempotency-Key': 'replay-1' };
      const first = await signedFetch(
        t.url,
        t.keys.backend,
        'POST',
        '/v1/withdrawals',
        { ...ok, amount: '10' },
        { headers, nonce: 'fixed-nonce-0001' },
      );
      expect(first.status).toBe(201);
      const afterFirst = await stateCounts(t.tdb.db);
      const replay = await signedFetch(
        t.url,
        t.keys.backend,
        'POST',
        '/v1/withdrawals',
        { ...ok, amount: '10' },
        { headers, nonce: 'fixed-nonce-0001' },
      );
      expect((await problemOf(replay)).code).toBe('auth.replayed_nonce');
      expect(await stateCounts(t.tdb.db)).toEqual(afterFirst);
      expect(afterFirst['withdrawals.withdrawals']).toBe(before['withdrawals.withdrawals'] + 1);
    });

    it('denies by default: no policy for the asset and client is refused and holds nothing, until an admin pair sets one', async () => {
      await t.fund('zeta', 'u1', 'ETH', 10n ** 18n);
      // No asset default for ETH any more (the test app wrote an open one) and none for the client.
      await t.tdb.db.query(`DELETE FROM withdrawals.policies WHERE asset = 'ETH'`);
      const body = {
        clientId: 'zeta',
        userId: 'u1',
        asset: 'ETH',
        amount: '100000000000000000',
        destination: ethAddress(50),
      };
      const before = await stateCounts(t.tdb.db);
      const r = await request(body, 'no-policy-1');
      expect([r.status, (await problemOf(r)).code]).toEqual([422, 'withdrawal.no_policy']);
      expect(await stateCounts(t.tdb.db)).toEqual(before);
      // A proposal alone changes nothing; the second admin's approval sets the asset default.
      const proposed = await t.call(t.keys.admin, 'PUT', '/v1/withdrawal-policies/ETH/*', {});
      expect(proposed.status).toBe(202);
      expect((await proposed.json()) as { status: string; kind: string }).toMatchObject({
        status: 'pending',
        kind: 'withdrawals.policy',
      });
      expect((await problemOf(await request(body, 'no-policy-1'))).code).toBe('withdrawal.no_policy');
      expect((await t.changePolicy('ETH', '*', {})).status).toBe(200);
      const ok = await request(body, 'no-policy-1');
      expect(ok.status).toBe(201);
    });

    it('bounds policy values and refuses a policy that could never let a withdrawal through, before it is proposed', async () => {
      const proposals = async () =>
        Number((await t.tdb.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM auth.change_requests`))[0].n);
      const before = await proposals();
      const cases: [Record<string, unknown>, number, string, string?][] = [
        [{ maxAmount: '0' }, 422, 'policy.invalid', 'never_passes'],
        [{ userDailyLimit: '0' }, 422, 'policy.invalid', 'never_passes'],
        [{ allowlist: [] }, 422, 'policy.invalid', 'never_passes'],
        [{ maxAmount: (2n ** 256n).toString() }, 422, 'policy.invalid', 'amount_out_of_range'],
        [{ withdrawalFee: (2n ** 256n - 1n).toString() }, 422, 'policy.invalid', 'fee_not_below_max'],
        [{ maxAmount: '1000', withdrawalFee: '1000' }, 422, 'policy.invalid', 'fee_not_below_max'],
        [{ approvalsRequired: 11 }, 400, 'request.invalid'],
        [{ approvalsRequired: -1 }, 400, 'request.invalid'],
        [{ breakerLimit: '5' }, 400, 'request.invalid'],
      ];
      for (const [body, status, code, reason] of cases) {
        const r = await t.call(t.keys.admin, 'PUT', '/v1/withdrawal-policies/BTC/pol', body);
        const p = await problemOf(r);
        expect([r.status, p.code, p.reason]).toEqual([status, code, reason]);
      }
      expect((await problemOf(await t.call(t.keys.admin, 'PUT', '/v1/withdrawal-policies/BTC/ghost', {}))).code).toBe(
        'client.not_found',
      );
      // A client override is checked overlaid on the asset default: a fee at the default's maximum is refused.
      await t.setPolicy('USDC', '*', { maxAmount: 5_000_000n });
      const over = await problemOf(
        await t.call(t.keys.admin, 'PUT', '/v1/withdrawal-policies/USDC/pol', { withdrawalFee: '5000000' }),
      );
      expect([over.code, over.reason]).toEqual(['policy.invalid', 'fee_not_below_max']);
      await t.setPolicy('USDC', '*');
      expect(await proposals()).toBe(before);
    });

    it('denies by policy, records the rule, and policies change only through two admins', async () => {
      await t.fund('pol', 'u1', 'BTC', 10n * BTC);
      await t.fund('pol', 'u2', 'BTC', 10n * BTC);
      const policy = {
        maxAmount: '200000000',
        userDailyLimit: '300000000',
        clientDailyLimit: '500000000',
        allowlist: [btcAddress(10), btcAddress(11)],
      };
      const denied = await t.call(t.keys.approver1, 'PUT', '/v1/withdrawal-policies/BTC/pol', policy);
      expect((await problemOf(denied)).code).toBe('auth.forbidden_role');
      const put = await t.call(t.keys.admin, 'PUT', '/v1/withdrawal-policies/BTC/pol', policy);
      expect(put.status).toBe(202);
      const change = (await put.json()) as { id: string };
      // The maker cannot check its own change; the second admin (another owner) can.
      expect((await problemOf(await t.call(t.keys.admin, 'POST', `/v1/changes/${change.id}/approve`))).code).toBe(
        'change.same_person',
      );
      expect(
        (await t.tdb.db.query(`SELECT 1 FROM withdrawals.policies WHERE asset = 'BTC' AND client_id = 'pol'`)).length,
      ).toBe(0);
      const approved = await t.call(t.keys.admin2, 'POST', `/v1/changes/${change.id}/approve`);
      expect(approved.status).toBe(200);
      expect(((await approved.json()) as { status: string }).status).toBe('executed');
      const changes = (await (
        await t.call(t.keys.auditor, 'GET', '/v1/withdrawal-policies/changes?asset=BTC')
      ).json()) as { data: { clientId: string; changedBy: string; version: number }[] };
      expect(changes.data.filter((c) => c.clientId === 'pol')).toEqual([
        expect.objectContaining({ changedBy: t.keys.admin.keyId, version: 1 }),
      ]);
      const audited = await t.tdb.db.query(
        `SELECT 1 FROM audit.entries WHERE action = 'withdrawal_policy.changed' AND subject_id = 'BTC:pol'`,
      );
      expect(audited).toHaveLength(1);

      const base = { clientId: 'pol', userId: 'u1', asset: 'BTC', destination: btcAddress(10) };
      const deny = async (body: Record<string, unknown>, code: string, rule: string) => {
        const before = await t.ledger.balances(await t.fund('pol', String(body.userId), 'BTC', 1n));
        const r = await request(body);
        const p = await problemOf(r);
        expect([r.status, p.code, p.rule]).toEqual([422, code, rule]);
        const w = (await (
          await t.call(t.keys.backend, 'GET', `/v1/withdrawals/${String(p.withdrawalId)}`)
        ).json()) as Withdrawal;
        expect(w).toMatchObject({ status: 'rejected', rule });
        const after = await t.ledger.balances(await t.fund('pol', String(body.userId), 'BTC', 1n));
        expect(after.debitsPending).toBe(before.debitsPending); // no hold was placed
      };
      await deny({ ...base, amount: '250000000' }, 'policy.max_amount_exceeded', 'max_amount');
      await deny(
        { ...base, destination: btcAddress(12), amount: '10000000' },
        'policy.destination_not_allowed',
        'allowlist',
      );
      expect((await request({ ...base, amount: '200000000' })).status).toBe(201);
      await deny({ ...base, amount: '150000000' }, 'policy.velocity_user_exceeded', 'velocity_user');
      expect((await request({ ...base, amount: '100000000' })).status).toBe(201); // exactly at the user limit
      expect((await request({ ...base, userId: 'u2', amount: '150000000' })).status).toBe(201);
      await deny({ ...base, userId: 'u2', amount: '100000000' }, 'policy.velocity_client_exceeded', 'velocity_client');
      // 24 h later the window has rolled on.
      t.clock.advance(86_400_000 + 1000);
      expect((await request({ ...base, amount: '200000000' })).status).toBe(201);
    });

    it('trips the circuit breaker, pauses the asset until an admin resets it', async () => {
      await t.fund('cb', 'u1', 'ETH', 100n * 10n ** 18n);
      const put = await t.changePolicy('ETH', '*', {
        breakerWindowSeconds: 3600,
        breakerLimit: (5n * 10n ** 18n).toString(),
      });
      expect(put.status).toBe(200);
      const base = { clientId: 'cb', userId: 'u1', asset: 'ETH', destination: ethAddress(20) };
      expect((await request({ ...base, amount: '4000000000000000000' })).status).toBe(201);
      const trip = await request({ ...base, amount: '2000000000000000000' });
      expect(await problemOf(trip)).toMatchObject({ code: 'policy.circuit_breaker_tripped', rule: 'circuit_breaker' });
      const paused = await request({ ...base, amount: '100000000000000000' });
      expect(await problemOf(paused)).toMatchObject({ code: 'policy.asset_paused', rule: 'circuit_breaker' });
      expect(
        (await problemOf(await t.call(t.keys.approver1, 'POST', '/v1/withdrawal-policies/ETH/breaker/reset'))).code,
      ).toBe('auth.forbidden_role');
      expect((await t.call(t.keys.admin, 'POST', '/v1/withdrawal-policies/ETH/breaker/reset')).status).toBe(200);
      expect((await request({ ...base, amount: '100000000000000000' })).status).toBe(201);
      await t.setPolicy('ETH', '*');
    });

    it('needs approvals of distinct people above the threshold, never the requester nor an admin; reject voids the hold', async () => {
      const user = await t.fund('appr', 'u1', 'BTC', 10n * BTC);
      expect(
        (
          await t.changePolicy('BTC', 'appr', {
            approvalThreshold: '100000000',
            approvalsRequired: 2,
            withdrawalFee: '1000',
          })
        ).status,
      ).toBe(200);
      const body = { clientId: 'appr', userId: 'u1', asset: 'BTC', amount: '150000000', destination: btcAddress(30) };
      const w = (await (await request(body)).json()) as Withdrawal;
      expect(w).toMatchObject({
        status: 'awaiting_approval',
        approvalsRequired: 2,
        rule: 'approval_threshold',
        amount: '150000000',
        fee: '1000',
        // For people only: asset units beside the base-unit fields.
        display: { amount: '1.5 BTC', fee: '0.00001 BTC' },
      });
      expect(await available(user)).toBe(10n * BTC - 150_001_000n);
      const pending = (await (await t.call(t.keys.approver1, 'GET', '/v1/approvals')).json()) as {
        data: Withdrawal[];
      };
      expect(pending.data.map((x) => x.id)).toContain(w.id);
      expect((await problemOf(await t.call(t.keys.backend, 'POST', `/v1/approvals/${w.id}/approve`))).code).toBe(
        'auth.forbidden_role',
      );
      // An admin approves nothing: it can mint keys, so it could otherwise approve for anyone.
      const byAdmin = await t.call(t.keys.admin, 'POST', `/v1/approvals/${w.id}/approve`);
      expect([byAdmin.status, (await problemOf(byAdmin)).code]).toEqual([403, 'approval.approver_role_required']);
      // The attack: the requester's owner gets an approver key (minted for itself) and approves its own request through it.
      const minted = await createApiKey(t.tdb.db, {
        name: 'minted approver',
        role: 'approver',
        owner: 'exchange backend',
      });
      const self = await t.call(minted, 'POST', `/v1/approvals/${w.id}/approve`);
      expect([self.status, (await problemOf(self)).code]).toEqual([403, 'approval.self_approval']);
      const own = (await (await request(body, key(), t.keys.backend2)).json()) as Withdrawal;
      expect(
        ((await (await t.call(t.keys.approver1, 'POST', `/v1/approvals/${w.id}/approve`)).json()) as Withdrawal).status,
      ).toBe('awaiting_approval');
      expect((await problemOf(await t.call(t.keys.approver1, 'POST', `/v1/approvals/${w.id}/approve`))).code).toBe(
        'approval.duplicate',
      );
      // A second key of the same person does not count twice.
      const alice2 = await createApiKey(t.tdb.db, { name: 'alice laptop', role: 'approver', owner: 'alice' });
      const twice = await t.call(alice2, 'POST', `/v1/approvals/${w.id}/approve`);
      expect([twice.status, (await problemOf(twice)).code]).toEqual([403, 'approval.same_owner']);
      // An approver scoped to other clients sees and approves nothing of this one.
      const betaApprover = await createApiKey(t.tdb.db, {
        name: 'beta approver',
        role: 'approver',
        owner: 'erin',
        clients: ['beta'],
      });
      expect((await problemOf(await t.call(betaApprover, 'POST', `/v1/approvals/${w.id}/approve`))).code).toBe(
        'auth.forbidden_client',
      );
      const betaQueue = (await (await t.call(betaApprover, 'GET', '/v1/approvals')).json()) as { data: Withdrawal[] };
      expect(betaQueue.data.map((x) => x.id)).not.toContain(w.id);
      expect(
        (await t.tdb.db.query(`SELECT 1 FROM withdrawals.approvals WHERE withdrawal_id = $1`, [w.id])).length,
      ).toBe(1);
      const done = (await (
        await t.call(t.keys.approver2, 'POST', `/v1/approvals/${w.id}/approve`)
      ).json()) as Withdrawal;
      expect(done).toMatchObject({ status: 'approved', rule: 'approvals_met' });
      expect(done.approvals.map((a) => a.approver).sort()).toEqual(
        [t.keys.approver1.keyId, t.keys.approver2.keyId].sort(),
      );
      expect(done.approvals.map((a) => a.approverOwner).sort()).toEqual(['alice', 'bob']);
      expect(done.requesterOwner).toBe('exchange backend');
      // Reject with a reason: the hold is voided.
      const before = await available(user);
      expect((await problemOf(await t.call(t.keys.approver1, 'POST', `/v1/approvals/${own.id}/reject`, {}))).code).toBe(
        'request.invalid',
      );
      const rej = (await (
        await t.call(t.keys.approver3, 'POST', `/v1/approvals/${own.id}/reject`, { reason: 'looks odd' })
      ).json()) as Withdrawal;
      expect(rej).toMatchObject({ status: 'rejected', reason: 'looks odd' });
      expect(await available(user)).toBe(before + 150_001_000n); // the rejected one's hold (amount + fee) is released
      expect((await problemOf(await t.call(t.keys.approver2, 'POST', `/v1/approvals/${own.id}/approve`))).code).toBe(
        'withdrawal.not_awaiting_approval',
      );
    });

    it('cancels before signing, voiding the hold; lists with filters and a cursor', async () => {
      const user = await t.fund('can', 'u1', 'BTC', BTC);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push(
          (
            (await (
              await request({
                clientId: 'can',
                userId: 'u1',
                asset: 'BTC',
                amount: '10000000',
                destination: btcAddress(40 + i),
              })
            ).json()) as Withdrawal
          ).id,
        );
      expect(await available(user)).toBe(BTC / 2n);
      const c = await t.call(t.keys.backend, 'POST', `/v1/withdrawals/${ids[0]}/cancel`, { reason: 'user asked' });
      expect(((await c.json()) as Withdrawal).status).toBe('cancelled');
      expect(await available(user)).toBe(BTC / 2n + BTC / 10n);
      expect((await problemOf(await t.call(t.keys.backend, 'POST', `/v1/withdrawals/${ids[0]}/cancel`, {}))).code).toBe(
        'withdrawal.not_cancellable',
      );
      expect((await problemOf(await t.call(t.keys.backend, 'POST', `/v1/withdrawals/nope/cancel`, {}))).code).toBe(
        'withdrawal.not_found',
      );
      // Another client's key can neither cancel nor read these.
      const before = await stateCounts(t.tdb.db);
      expect((await problemOf(await t.call(beta, 'POST', `/v1/withdrawals/${ids[1]}/cancel`, {}))).code).toBe(
        'auth.forbidden_client',
      );
      expect((await problemOf(await t.call(beta, 'GET', `/v1/withdrawals/${ids[1]}`))).code).toBe(
        'auth.forbidden_client',
      );
      expect((await problemOf(await t.call(beta, 'GET', '/v1/withdrawals?clientId=can'))).code).toBe(
        'auth.forbidden_client',
      );
      const betaList = (await (await t.call(beta, 'GET', '/v1/withdrawals')).json()) as { data: Withdrawal[] };
      expect(betaList.data.filter((x) => x.clientId !== 'beta')).toEqual([]);
      expect(await stateCounts(t.tdb.db)).toEqual(before);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = (await (
          await t.call(
            t.keys.backend,
            'GET',
            `/v1/withdrawals?clientId=can&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          )
        ).json()) as { data: Withdrawal[]; nextCursor: string | null };
        seen.push(...page.data.map((w) => w.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());
      const cancelled = (await (
        await t.call(t.keys.backend, 'GET', '/v1/withdrawals?clientId=can&status=cancelled')
      ).json()) as { data: Withdrawal[] };
      expect(cancelled.data.map((w) => w.id)).toEqual([ids[0]]);
      expect((await problemOf(await t.call(t.keys.backend, 'GET', '/v1/withdrawals?status=bogus'))).code).toBe(
        'request.invalid',
      );
    });
  });
}
