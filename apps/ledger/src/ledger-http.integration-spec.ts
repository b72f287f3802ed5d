import type { INestApplication } from '@nestjs/common';
import { assertAllRoutesGuarded, createApiKey, createClient, signedFetch } from '@strongroom/api-auth';
import { LedgerService } from '@strongroom/ledger';
import { startHttpApp } from '@strongroom/shared-http';
import { verifyProof } from '@strongroom/proof-verifier';
import { describeEachBackend } from '@strongroom/testing';
import { ledgerAppContexts, LedgerAppModule } from './app.module';

type Creds = { keyId: string; secret: string };
type Json = Record<string, unknown>;

describeEachBackend('ledger HTTP API', { contexts: ledgerAppContexts }, (ctx) => {
  let app: INestApplication;
  let url: string;
  const keys: Record<'backend' | 'auditor' | 'admin' | 'approver' | 'globex' | 'globexAuditor' | 'admin2', Creds> =
    {} as never;
  let n = 100;
  const tid = (p: string) => `${p}-${++n}`;

  const call = async (who: Creds, method: string, path: string, body?: unknown, raw = false) => {
    const res = await signedFetch(url, who, method, path, body, { raw });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      body: (text ? JSON.parse(text) : {}) as Json,
    };
  };
  const be = (method: string, path: string, body?: unknown) => call(keys.backend, method, path, body);

  let custody: { id: string };
  let alice: Json;
  let bob: Json;
  let aliceEth: Json;
  let ledger: LedgerService;
  // System accounts and chain credits are written in process (deposits do it), never over the API.
  const deposit = (to: Json, amount: bigint, id = tid('dep')) =>
    ledger.transfer({ id, debitAccountId: custody.id, creditAccountId: to.id as string, amount, code: 'deposit' });

  beforeAll(async () => {
    const { db } = ctx();
    for (const id of ['acme', 'globex', 'frozen']) await createClient(db, { id, name: id, custody: 'pooled' });
    for (const role of ['backend', 'auditor', 'admin', 'approver'] as const) {
      keys[role] = await createApiKey(db, {
        name: `test ${role}`,
        role,
        owner: `owner ${role}`,
        clients: role === 'backend' ? ['acme', 'frozen'] : 'all',
      });
    }
    keys.globex = await createApiKey(db, {
      name: 'globex backend',
      role: 'backend',
      owner: 'globex ops',
      clients: ['globex'],
    });
    keys.globexAuditor = await createApiKey(db, {
      name: 'globex auditor',
      role: 'auditor',
      owner: 'globex audit',
      clients: ['globex'],
    });
    keys.admin2 = await createApiKey(db, { name: 'second admin', role: 'admin', owner: 'owner admin 2' });
    const started = await startHttpApp(LedgerAppModule.forRoot({ db }, { ledger: { sweepIntervalMs: 0 }, env: {} }), {
      name: 'ledger',
      title: 'ledger',
      description: 'test',
      port: 0,
    });
    app = started.app;
    url = started.url;
    ledger = app.get(LedgerService);
    const open = async (clientId: string, ownerId: string, asset: string, kind: string) => {
      const r = await be('POST', '/v1/accounts', { clientId, ownerId, asset, kind });
      expect(r.status).toBe(201);
      return r.body;
    };
    custody = await ledger.openAccount({ clientId: 'operator', ownerId: 'hot', asset: 'BTC', kind: 'custody' });
    alice = await open('acme', 'alice', 'BTC', 'user');
    bob = await open('acme', 'bob', 'BTC', 'user');
    aliceEth = await open('acme', 'alice', 'ETH', 'user');
    await deposit(alice, 1000n, 'dep-1');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('guards every route with a role, and refuses unsigned or wrong-role calls', async () => {
    const routes = assertAllRoutesGuarded(app);
    expect(routes.filter((r) => r.path.startsWith('/v1')).length).toBeGreaterThanOrEqual(9);
    const unsigned = await fetch(`${url}/v1/accounts/${alice.id}`);
    expect(unsigned.status).toBe(401);
    expect(
      (
        await call(keys.auditor, 'POST', '/v1/transfers', {
          id: tid('x'),
          debitAccountId: alice.id,
          creditAccountId: bob.id,
          amount: '1',
        })
      ).status,
    ).toBe(403);
    expect((await call(keys.approver, 'GET', `/v1/accounts/${alice.id}`)).status).toBe(403);
    expect((await be('GET', '/v1/invariants')).status).toBe(403);
    expect((await be('POST', `/v1/accounts/${bob.id}/close`)).status).toBe(403);
    expect((await call(keys.auditor, 'GET', `/v1/accounts/${alice.id}`)).status).toBe(200);
  });

  it('serves accounts, lists an owner and reads balances now and as of a sequence or time', async () => {
    const list = await call(keys.auditor, 'GET', '/v1/accounts?clientId=acme&ownerId=alice');
    expect((list.body.data as Json[]).map((a) => a.asset).sort()).toEqual(['BTC', 'ETH']);
    expect(list.body.nextCursor).toBeNull();
    // Oldest first, a page at a time: the cursor of one page starts the next.
    const first = await call(keys.auditor, 'GET', '/v1/accounts?clientId=acme&ownerId=alice&limit=1');
    expect([(first.body.data as Json[]).map((a) => a.id), typeof first.body.nextCursor]).toEqual([
      [alice.id],
      'string',
    ]);
    const second = await call(
      keys.auditor,
      'GET',
      `/v1/accounts?clientId=acme&ownerId=alice&limit=1&cursor=${first.body.nextCursor as string}`,
    );
    expect([(second.body.data as Json[]).map((a) => a.id), second.body.nextCursor]).toEqual([[aliceEth.id], null]);
    for (const [query, code] of [
      ['limit=0', 'request.invalid'],
      ['limit=501', 'request.invalid'],
      ['cursor=bm90IGEgY3Vyc29y', 'request.invalid_cursor'],
      [`cursor=${Buffer.from('{"after":"x"}').toString('base64url')}`, 'request.invalid_cursor'],
    ]) {
      const r = await call(keys.auditor, 'GET', `/v1/accounts?clientId=acme&ownerId=alice&${query}`);
      expect([query, r.status, r.body.code]).toEqual([query, 400, code]);
    }
    const t = await deposit(alice, 5n);
    const seq = t.sequence.toString();
    const createdAt = t.createdAt.toISOString();
    await deposit(alice, 7n);
    const now = await be('GET', `/v1/accounts/${alice.id}/balances`);
    const atSeq = await be('GET', `/v1/accounts/${alice.id}/balances?asOfSequence=${seq}`);
    const before = await be('GET', `/v1/accounts/${alice.id}/balances?asOfSequence=${BigInt(seq) - 1n}`);
    const atTime = await be('GET', `/v1/accounts/${alice.id}/balances?asOf=${encodeURIComponent(createdAt)}`);
    expect(BigInt(now.body.creditsPosted as string) - BigInt(atSeq.body.creditsPosted as string)).toBe(7n);
    expect(BigInt(atSeq.body.creditsPosted as string) - BigInt(before.body.creditsPosted as string)).toBe(5n);
    expect(BigInt(atTime.body.creditsPosted as string)).toBeGreaterThanOrEqual(
      BigInt(atSeq.body.creditsPosted as string),
    );
    expect(typeof now.body.creditsPosted).toBe('string');
    const future = await be('GET', `/v1/accounts/${alice.id}/balances?asOfSequence=99999999`);
    expect([future.status, future.body.code]).toEqual([422, 'balance.as_of_future']);
    const badQuery = await be('GET', `/v1/accounts/${alice.id}/balances?asOf=yesterday`);
    expect([badQuery.status, badQuery.body.code]).toEqual([400, 'request.invalid']);
    // A misspelt parameter is refused rather than silently answering the balances now.
    const misspelt = await be('GET', `/v1/accounts/${alice.id}/balances?asof=${encodeURIComponent(createdAt)}`);
    expect([misspelt.status, misspelt.body.code]).toEqual([400, 'request.invalid']);
  });

  it('answers every bad input with its own problem+json code and changes nothing', async () => {
    const before = await call(keys.auditor, 'GET', '/v1/invariants');
    const aliceBefore = await be('GET', `/v1/accounts/${alice.id}`);
    const base = { debitAccountId: alice.id, creditAccountId: bob.id, amount: '1' };
    const hold = await be('POST', '/v1/transfers', { ...base, id: tid('hold'), amount: '10', flags: ['pending'] });
    expect(hold.status).toBe(201);
    const holdId = (hold.body.transfer as Json).id as string;
    const voided = await be('POST', `/v1/transfers/${holdId}/void`, { id: tid('void') });
    expect(voided.status).toBe(201);
    const closed = await be('POST', '/v1/accounts', { clientId: 'acme', ownerId: 'zed', asset: 'BTC', kind: 'user' });
    await call(keys.admin, 'POST', `/v1/accounts/${closed.body.id}/close`);
    const hold2 = await be('POST', '/v1/transfers', { ...base, id: tid('hold'), amount: '10', flags: ['pending'] });
    const hold2Id = (hold2.body.transfer as Json).id as string;
    const mid = await call(keys.auditor, 'GET', '/v1/invariants');

    const cases: [string, string, unknown, number, string][] = [
      ['POST', '/v1/transfers', { ...base, id: tid('b'), amount: '0' }, 400, 'amount.not_positive'],
      ['POST', '/v1/transfers', { ...base, id: tid('b'), amount: '-5' }, 400, 'amount.not_positive'],
      ['POST', '/v1/transfers', { ...base, id: tid('b'), amount: '1.5' }, 400, 'amount.base_units_expected'],
      ['POST', '/v1/transfers', { ...base, id: tid('b'), amount: '0.00000001' }, 400, 'amount.base_units_expected'],
      ['POST', '/v1/transfers', { ...base, id: tid('b'), amount: (1n << 256n).toString() }, 400, 'amount.too_large'],
      ['POST', '/v1/transfers', { ...base, id: tid('b'), amount: 5 }, 400, 'amount.malformed'],
      ['POST', '/v1/transfers', { ...base, id: tid('b'), amount: '1e3' }, 400, 'amount.base_units_expected'],
      [
        'POST',
        '/v1/transfers',
        { ...base, id: tid('b'), creditAccountId: '00000000-0000-4000-8000-000000000000' },
        404,
        'account.not_found',
      ],
      [
        'POST',
        '/v1/transfers',
        { ...base, id: tid('b'), creditAccountId: aliceEth.id },
        422,
        'transfer.asset_mismatch',
      ],
      ['POST', '/v1/transfers', { ...base, id: tid('b'), creditAccountId: closed.body.id }, 422, 'account.closed'],
      ['POST', '/v1/transfers', { ...base, id: tid('b'), amount: '1000000000' }, 422, 'account.debits_exceed_credits'],
      ['POST', '/v1/transfers', { ...base, id: 'dep-1', amount: '2' }, 409, 'transfer.id_conflict'],
      ['POST', '/v1/transfers', { ...base, id: 'has space' }, 400, 'transfer.id_invalid'],
      ['POST', '/v1/transfers', { ...base, id: tid('b'), flags: ['sideways'] }, 400, 'request.invalid'],
      ['POST', '/v1/transfers', { ...base, id: tid('b'), extra: 1 }, 400, 'request.invalid'],
      ['POST', `/v1/transfers/${hold2Id}/post`, { id: tid('p'), amount: '11' }, 422, 'pending.amount_exceeds'],
      ['POST', `/v1/transfers/${holdId}/void`, { id: tid('v') }, 409, 'pending.already_resolved'],
      ['POST', `/v1/transfers/${holdId}/post`, { id: tid('p') }, 409, 'pending.already_resolved'],
      ['POST', '/v1/transfers/nope/post', { id: tid('p') }, 404, 'pending.not_found'],
      ['POST', '/v1/transfers/batch', { transfers: [] }, 400, 'request.invalid'],
      [
        'POST',
        '/v1/transfers/batch',
        { transfers: [{ ...base, id: tid('b'), amount: '1.0' }] },
        400,
        'amount.base_units_expected',
      ],
      [
        'POST',
        '/v1/accounts',
        { clientId: 'acme', ownerId: 'q', asset: 'BTC', kind: 'wallet' },
        400,
        'request.invalid',
      ],
      ['GET', '/v1/accounts/00000000-0000-4000-8000-000000000000', undefined, 404, 'account.not_found'],
      ['GET', '/v1/transfers/unknown-id', undefined, 404, 'transfer.not_found'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const r = await be(method, path, body);
      expect(r.type).toContain('application/problem+json');
      expect(`${method} ${path} ${JSON.stringify(body)} → ${r.status} ${String(r.body.code)}`).toBe(
        `${method} ${path} ${JSON.stringify(body)} → ${status} ${code}`,
      );
    }
    const malformed = await call(keys.backend, 'POST', '/v1/transfers', '{"id": "x", ', true);
    expect([malformed.status, malformed.body.code]).toEqual([400, 'request.malformed_json']);
    const after = await call(keys.auditor, 'GET', '/v1/invariants');
    expect(after.body.ok).toBe(true);
    expect(after.body.sequence).toBe(mid.body.sequence);
    expect(BigInt(mid.body.sequence as string) - BigInt(before.body.sequence as string)).toBe(3n);
    expect((await be('GET', `/v1/accounts/${alice.id}`)).body.creditsPosted).toBe(aliceBefore.body.creditsPosted);
  });

  it('replays an id with the same body (200, replayed) and posts holds partially over HTTP', async () => {
    await deposit(bob, 100n);
    const body = { id: tid('move'), debitAccountId: alice.id, creditAccountId: bob.id, amount: '100' };
    const first = await be('POST', '/v1/transfers', body);
    const again = await be('POST', '/v1/transfers', body);
    expect([first.status, first.body.replayed, again.status, again.body.replayed]).toEqual([201, false, 200, true]);
    expect((again.body.transfer as Json).sequence).toBe((first.body.transfer as Json).sequence);
    const hold = await be('POST', '/v1/transfers', {
      id: tid('hold'),
      debitAccountId: bob.id,
      creditAccountId: alice.id,
      amount: '60',
      flags: ['pending'],
      timeoutSeconds: 600,
    });
    const holdId = (hold.body.transfer as Json).id as string;
    const post = await be('POST', `/v1/transfers/${holdId}/post`, { id: tid('post'), amount: '25' });
    expect(post.status).toBe(201);
    expect((post.body.transfer as Json).amount).toBe('25');
    const fetched = await call(keys.auditor, 'GET', `/v1/transfers/${holdId}`);
    expect(fetched.body.pendingState).toBe('posted');
  });

  it('commits a batch in one transaction with independent results and linked chains', async () => {
    const r = await be('POST', '/v1/transfers/batch', {
      transfers: [
        { id: tid('b'), debitAccountId: alice.id, creditAccountId: bob.id, amount: '3' },
        { id: tid('b'), debitAccountId: bob.id, creditAccountId: alice.id, amount: '1', flags: ['linked'] },
        { id: tid('b'), debitAccountId: bob.id, creditAccountId: aliceEth.id, amount: '1' },
        { id: tid('b'), debitAccountId: bob.id, creditAccountId: alice.id, amount: '4' },
      ],
    });
    expect(r.status).toBe(200);
    expect((r.body.results as Json[]).map((x) => (x.ok ? 'ok' : x.code))).toEqual([
      'ok',
      'transfer.linked_failed',
      'transfer.asset_mismatch',
      'ok',
    ]);
  });

  it('coalesces concurrent single transfers into few transactions with independent outcomes', async () => {
    const poor = await be('POST', '/v1/accounts', { clientId: 'acme', ownerId: 'poor', asset: 'BTC', kind: 'user' });
    const calls = Array.from({ length: 60 }, (_, i) =>
      be(
        'POST',
        '/v1/transfers',
        i % 3 === 0
          ? { id: tid('c'), debitAccountId: poor.body.id, creditAccountId: alice.id, amount: '1' } // refused: no funds
          : { id: tid('c'), debitAccountId: alice.id, creditAccountId: bob.id, amount: '1' },
      ),
    );
    const results = await Promise.all(calls);
    expect(results.filter((r) => r.status === 201).length).toBe(40);
    expect(results.filter((r) => r.body.code === 'account.debits_exceed_credits').length).toBe(20);
    const seqs = results
      .filter((r) => r.status === 201)
      .map((r) => BigInt((r.body.transfer as Json).sequence as string));
    expect(new Set(seqs).size).toBe(40);
    const inv = await call(keys.admin, 'GET', '/v1/invariants');
    expect(inv.body).toMatchObject({ ok: true, violations: [] });
  });

  it('opens over the API only user accounts with default flags, of an active client in scope, in a served asset', async () => {
    const { db } = ctx();
    const accountsBefore = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM ledger.accounts');
    const user = { clientId: 'acme', ownerId: 'carol', asset: 'BTC', kind: 'user' };
    const cases: [Creds, unknown, number, string][] = [
      ...['custody', 'equity', 'incident', 'in_flight', 'fee_expense', 'fee_revenue'].flatMap(
        (kind): [Creds, unknown, number, string][] => [
          [keys.backend, { ...user, ownerId: 'house', kind }, 403, 'account.kind_forbidden'],
          [keys.admin, { ...user, clientId: 'operator', ownerId: 'house', kind }, 403, 'account.kind_forbidden'],
        ],
      ),
      [keys.backend, { ...user, flags: { debitsMustNotExceedCredits: false } }, 403, 'account.flags_forbidden'],
      [keys.backend, { ...user, flags: { creditsMustNotExceedDebits: true } }, 403, 'account.flags_forbidden'],
      [keys.backend, { ...user, asset: 'DOGE' }, 404, 'asset.unknown'],
      [keys.backend, { ...user, clientId: 'globex' }, 403, 'auth.forbidden_client'],
      [keys.backend, { ...user, clientId: 'nobody' }, 403, 'auth.forbidden_client'],
      [keys.admin, { ...user, clientId: 'nobody' }, 404, 'client.not_found'],
      [keys.auditor, user, 403, 'auth.forbidden_role'],
      [keys.backend, { ...user, clientId: 'acme\u0000' }, 400, 'request.nul_character'],
      [keys.backend, { ...user, ownerId: 'has space' }, 400, 'request.invalid'],
    ];
    for (const [who, body, status, code] of cases) {
      const r = await call(who, 'POST', '/v1/accounts', body);
      expect(`${JSON.stringify(body)} → ${r.status} ${String(r.body.code)}`).toBe(
        `${JSON.stringify(body)} → ${status} ${code}`,
      );
    }
    await db.query(`UPDATE auth.clients SET status = 'suspended' WHERE id = 'frozen'`);
    const frozen = await be('POST', '/v1/accounts', { ...user, clientId: 'frozen' });
    expect([frozen.status, frozen.body.code]).toEqual([422, 'client.suspended']);
    expect(await db.query<{ n: string }>('SELECT count(*)::text AS n FROM ledger.accounts')).toEqual(accountsBefore);
    // The defaults spelled out are accepted; an admin may open a user account for any active client.
    expect(
      (await be('POST', '/v1/accounts', { ...user, flags: { debitsMustNotExceedCredits: true, closed: false } }))
        .status,
    ).toBe(201);
    expect((await call(keys.admin, 'POST', '/v1/accounts', { ...user, clientId: 'globex' })).status).toBe(201);
  });

  it('moves value only between user accounts of one client in scope: never out of or into a system account, for any key', async () => {
    const { db } = ctx();
    const equity = await ledger.openAccount({ clientId: 'operator', ownerId: 'capital', asset: 'BTC', kind: 'equity' });
    const fees = await ledger.openAccount({ clientId: 'acme', ownerId: 'fees', asset: 'BTC', kind: 'fee_revenue' });
    const inFlight = await ledger.openAccount({
      clientId: 'operator',
      ownerId: 'withdrawals',
      asset: 'BTC',
      kind: 'in_flight',
    });
    const gus = await ledger.openAccount({ clientId: 'globex', ownerId: 'gus', asset: 'BTC', kind: 'user' });
    await deposit(gus as unknown as Json, 50n);
    // A withdrawal-like hold placed in process (user → in_flight): the API may neither post nor void it.
    const hold = await ledger.transfer({
      id: tid('withdrawal-hold'),
      debitAccountId: alice.id as string,
      creditAccountId: inFlight.id,
      amount: 10n,
      flags: ['pending'],
    });
    const gil = await ledger.openAccount({ clientId: 'globex', ownerId: 'gil', asset: 'BTC', kind: 'user' });
    const gusHold = await ledger.transfer({
      id: tid('gus-hold'),
      debitAccountId: gus.id,
      creditAccountId: gil.id,
      amount: 5n,
      flags: ['pending'],
    });
    const before = await call(keys.auditor, 'GET', '/v1/invariants');
    const t = (debit: Json | { id: string }, credit: Json | { id: string }, extra: Json = {}) => ({
      id: tid('x'),
      debitAccountId: debit.id,
      creditAccountId: credit.id,
      amount: '1',
      ...extra,
    });
    const cases: [Creds, string, string, unknown, number, string][] = [
      [keys.backend, 'POST', '/v1/transfers', t(custody, alice), 403, 'transfer.system_account'],
      [keys.backend, 'POST', '/v1/transfers', t(equity, alice), 403, 'transfer.system_account'],
      [keys.backend, 'POST', '/v1/transfers', t(custody, gus), 404, 'account.not_found'], // another client's user: as if missing
      [keys.backend, 'POST', '/v1/transfers', t(fees, alice), 403, 'transfer.system_account'],
      [keys.backend, 'POST', '/v1/transfers', t(alice, fees), 403, 'transfer.system_account'],
      [keys.backend, 'POST', '/v1/transfers', t(alice, gus), 404, 'account.not_found'],
      [keys.admin, 'POST', '/v1/transfers', t(custody, alice), 403, 'transfer.system_account'],
      [keys.admin, 'POST', '/v1/transfers', t(equity, alice, { flags: ['pending'] }), 403, 'transfer.system_account'],
      [keys.admin, 'POST', '/v1/transfers', t(alice, custody), 403, 'transfer.system_account'],
      [keys.admin, 'POST', '/v1/transfers', t(alice, gus), 403, 'transfer.cross_client'],
      [keys.backend, 'POST', `/v1/transfers/${hold.id}/void`, { id: tid('v') }, 403, 'transfer.system_account'],
      [keys.admin, 'POST', `/v1/transfers/${hold.id}/post`, { id: tid('p') }, 403, 'transfer.system_account'],
      [
        keys.backend,
        'POST',
        '/v1/transfers',
        { id: tid('v'), debitAccountId: '', creditAccountId: '', flags: ['void_pending'], pendingId: hold.id },
        403,
        'transfer.system_account',
      ],
      [keys.backend, 'POST', `/v1/transfers/${gusHold.id}/void`, { id: tid('v') }, 404, 'pending.not_found'],
      [
        keys.globex,
        'POST',
        `/v1/transfers/${gusHold.id}/post`,
        { id: tid('p'), metadata: { a: { b: { c: { d: { e: { f: { g: { h: {} } } } } } } } } },
        400,
        'transfer.metadata_too_deep',
      ],
      [
        keys.backend,
        'POST',
        '/v1/transfers/batch',
        { transfers: [t(alice, bob), t(custody, bob)] },
        403,
        'transfer.system_account',
      ],
      [
        keys.backend,
        'POST',
        '/v1/transfers/batch',
        { transfers: [t(alice, bob), t(bob, gus)] },
        404,
        'account.not_found',
      ],
      [
        keys.admin,
        'POST',
        '/v1/transfers/batch',
        { transfers: [t(alice, bob), t(equity, bob, { flags: ['linked'] }), t(alice, bob)] },
        403,
        'transfer.system_account',
      ],
      [
        keys.backend,
        'POST',
        '/v1/transfers/batch',
        { transfers: [t(alice, bob), { id: tid('v'), flags: ['void_pending'], pendingId: hold.id }] },
        403,
        'transfer.system_account',
      ],
      // A post/void in a batch may not name a pending created in the same batch: only stored pendings are checked.
      [
        keys.backend,
        'POST',
        '/v1/transfers/batch',
        {
          transfers: [
            { ...t(alice, bob), id: 'fresh-pending', flags: ['pending'] },
            { id: tid('p'), flags: ['post_pending'], pendingId: 'fresh-pending' },
          ],
        },
        404,
        'pending.not_found',
      ],
      [
        keys.backend,
        'POST',
        '/v1/transfers',
        t(alice, bob, { metadata: { s: 'x'.repeat(5000) } }),
        400,
        'transfer.metadata_too_large',
      ],
      [
        keys.backend,
        'POST',
        '/v1/transfers/batch',
        { transfers: [t(alice, bob), t(alice, bob, { metadata: { a: [[[[[[[[1]]]]]]]] } })] },
        400,
        'transfer.metadata_too_deep',
      ],
      [
        keys.backend,
        'POST',
        '/v1/transfers',
        t(alice, bob, { metadata: { s: 'a\u0000' } }),
        400,
        'request.nul_character',
      ],
      [
        keys.backend,
        'POST',
        '/v1/transfers',
        t(alice, bob, { metadata: { s: '\ud800' } }),
        400,
        'request.lone_surrogate',
      ],
    ];
    for (const [who, method, path, body, status, code] of cases) {
      const r = await call(who, method, path, body);
      expect(`${path} ${JSON.stringify(body).slice(0, 200)} → ${r.status} ${String(r.body.code)}`).toBe(
        `${path} ${JSON.stringify(body).slice(0, 200)} → ${status} ${code}`,
      );
    }
    const deep = `${JSON.stringify(t(alice, bob)).slice(0, -1)},"metadata":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
    for (const path of ['/v1/transfers', `/v1/transfers/${gusHold.id}/void`]) {
      const r = await call(keys.backend, 'POST', path, deep, true);
      expect(r.status).toBe(400);
    }
    const form = await fetch(`${url}/v1/transfers`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'id=x&amount=1',
    });
    expect(form.status).toBe(415);
    const after = await call(keys.auditor, 'GET', '/v1/invariants');
    expect(after.body).toMatchObject({ ok: true, sequence: before.body.sequence });
    expect((await ledger.getTransfer(hold.id)).pendingState).toBe('pending');
    const [row] = await db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ledger.transfers WHERE id = 'fresh-pending'`,
    );
    expect(row.n).toBe('0');
    // What is allowed still works: the client's own user accounts, pending and post included.
    const own = await call(keys.globex, 'POST', `/v1/transfers/${gusHold.id}/post`, { id: tid('p') });
    expect(own.status).toBe(201);
  });

  it("scopes reads: another client's accounts and transfers answer like missing ones", async () => {
    const gus = await ledger.findAccount({ clientId: 'globex', ownerId: 'gus', asset: 'BTC', kind: 'user' });
    const gusId = (gus as { id: string }).id;
    const someAcme = (await call(keys.backend, 'GET', '/v1/accounts?clientId=acme&ownerId=alice')).body.data as Json[];
    expect(someAcme.length).toBe(2);
    const expectations: [Creds, string, number, string | undefined][] = [
      [keys.globex, `/v1/accounts/${alice.id}`, 404, 'account.not_found'],
      [keys.globex, `/v1/accounts/${alice.id}/balances`, 404, 'account.not_found'],
      [keys.globex, '/v1/accounts?clientId=acme&ownerId=alice', 403, 'auth.forbidden_client'],
      [keys.globex, '/v1/transfers/dep-1', 404, 'transfer.not_found'],
      [keys.globexAuditor, `/v1/accounts/${alice.id}`, 404, 'account.not_found'],
      [keys.globexAuditor, '/v1/transfers/dep-1', 404, 'transfer.not_found'],
      [keys.globexAuditor, `/v1/accounts/${gusId}`, 200, undefined],
      [keys.backend, `/v1/accounts/${gusId}`, 404, 'account.not_found'],
      [keys.backend, `/v1/accounts/${custody.id}`, 404, 'account.not_found'],
      [keys.backend, '/v1/transfers/dep-1', 200, undefined], // a deposit to alice: alice's side is in scope
      [keys.auditor, `/v1/accounts/${gusId}`, 200, undefined],
      [keys.admin, `/v1/accounts/${custody.id}`, 200, undefined],
    ];
    for (const [who, path, status, code] of expectations) {
      const r = await call(who, 'GET', path);
      expect(`${path} → ${r.status} ${r.status >= 400 ? String(r.body.code) : ''}`).toBe(
        `${path} → ${status} ${code ?? ''}`,
      );
    }
  });

  it('books a manual correction only once a second admin of another owner approves it, once, audited with both', async () => {
    const { db } = ctx();
    const aliceBefore = BigInt((await be('GET', `/v1/accounts/${alice.id}`)).body.creditsPosted as string);
    const body = {
      asset: 'BTC',
      amount: '250',
      debit: { kind: 'equity', clientId: 'operator', ownerId: 'corrections' },
      credit: { accountId: alice.id },
      reason: 'cover the loss of incident 7',
    };
    expect((await be('POST', '/v1/corrections', body)).status).toBe(403);
    const bad: [unknown, number, string][] = [
      [{ ...body, debit: { accountId: bob.id } }, 422, 'correction.sides_invalid'],
      [
        { ...body, credit: { accountId: custody.id }, debit: { accountId: custody.id } },
        422,
        'correction.sides_invalid',
      ],
      [{ ...body, debit: { kind: 'in_flight', clientId: 'operator', ownerId: 'x' } }, 400, 'request.invalid'],
      [{ ...body, credit: { accountId: aliceEth.id } }, 422, 'correction.asset_mismatch'],
      [{ ...body, credit: { accountId: '00000000-0000-4000-8000-000000000000' } }, 422, 'correction.account_not_found'],
      [{ ...body, amount: '0' }, 400, 'amount.not_positive'],
      [{ ...body, reason: '' }, 400, 'correction.invalid'],
      [{ ...body, reason: 'ok\u202Eevil' }, 400, 'correction.invalid'],
    ];
    for (const [b, status, code] of bad) {
      const r = await call(keys.admin, 'POST', '/v1/corrections', b);
      expect(`${JSON.stringify(b)} → ${r.status} ${String(r.body.code)}`).toBe(
        `${JSON.stringify(b)} → ${status} ${code}`,
      );
    }
    const proposed = await call(keys.admin, 'POST', '/v1/corrections', body);
    expect(proposed.status).toBe(202);
    expect(proposed.body).toMatchObject({
      kind: 'ledger.correction',
      status: 'pending',
      maker: { keyId: keys.admin.keyId },
    });
    const id = proposed.body.id as string;
    expect((await be('GET', `/v1/accounts/${alice.id}`)).body.creditsPosted).toBe(aliceBefore.toString());
    const self = await call(keys.admin, 'POST', `/v1/changes/${id}/approve`);
    expect([self.status, self.body.code]).toEqual([403, 'change.same_person']);
    const approved = await call(keys.admin2, 'POST', `/v1/changes/${id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'executed',
      checker: { keyId: keys.admin2.keyId },
      result: { id: `correction:${id.replace('_', '-')}`, amount: '250', code: 'correction' },
    });
    const again = await call(keys.admin2, 'POST', `/v1/changes/${id}/approve`);
    expect([again.status, again.body.code]).toEqual([409, 'change.not_pending']);
    expect(BigInt((await be('GET', `/v1/accounts/${alice.id}`)).body.creditsPosted as string) - aliceBefore).toBe(250n);
    const [audit] = await db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM audit.entries WHERE subject_id = $1 AND action = 'change.executed'`,
      [id],
    );
    expect(audit.n).toBe('1');
    // A write-off of more than the user holds fails at approval, recorded, nothing booked.
    const sequence = (await call(keys.auditor, 'GET', '/v1/invariants')).body.sequence;
    const tooMuch = await call(keys.admin, 'POST', '/v1/corrections', {
      ...body,
      debit: { accountId: alice.id },
      credit: body.debit,
      amount: '1000000000',
      reason: 'write-off',
    });
    const failed = await call(keys.admin2, 'POST', `/v1/changes/${tooMuch.body.id as string}/approve`);
    expect([failed.status, failed.body.code]).toEqual([422, 'account.debits_exceed_credits']);
    expect((await call(keys.admin, 'GET', `/v1/changes/${tooMuch.body.id as string}`)).body.status).toBe('failed');
    const inv = await call(keys.auditor, 'GET', '/v1/invariants');
    expect(inv.body).toMatchObject({ ok: true, sequence });
  });

  it('documents every /v1 route in OpenAPI', async () => {
    const doc = (await (await fetch(`${url}/docs-json`)).json()) as {
      paths: Record<string, Record<string, { summary?: string }>>;
    };
    const v1 = Object.entries(doc.paths).filter(([p]) => p.startsWith('/v1'));
    const ops = v1.flatMap(([, methods]) => Object.values(methods));
    expect(ops.length).toBeGreaterThanOrEqual(10);
    expect(ops.every((o) => typeof o.summary === 'string' && o.summary.length > 0)).toBe(true);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/strongroom_ledger_transfers_total\{outcome="committed"\} [1-9]/);
    expect(metrics).toMatch(/strongroom_ledger_transfers_total\{outcome="account.debits_exceed_credits"\} [1-9]/);
  });

  it('serves compliance: an auditor takes a snapshot, publishes a proof of liabilities and hands a user their proof', async () => {
    const started = await call(keys.auditor, 'POST', '/v1/snapshots', {});
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    let snap = started.body;
    for (let i = 0; i < 200 && snap.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      snap = (await call(keys.auditor, 'GET', `/v1/snapshots/${id}`)).body;
    }
    expect(snap).toMatchObject({ status: 'complete', contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await be('POST', '/v1/snapshots', {})).status).toBe(403);
    const root = await call(keys.auditor, 'POST', `/v1/snapshots/${id}/liabilities`);
    expect(root.status).toBe(201);
    const proof = await be('GET', `/v1/snapshots/${id}/liabilities/proofs/acme/alice`);
    expect(proof.status).toBe(200);
    expect(
      verifyProof(proof.body, { userId: 'acme/alice', published: root.body, expectedRoot: root.body.root as string }),
    ).toMatchObject({ outcome: 'valid', valid: true, userId: 'acme/alice', version: 2 });
    // The ledger app holds no custody keys: proof of assets belongs to the signer apps.
    const assets = await call(keys.auditor, 'POST', '/v1/proof-of-assets', { challenge: 'audit challenge 1' });
    expect([assets.status, assets.body.code]).toEqual([503, 'proof_of_assets.unavailable']);
  });
});
