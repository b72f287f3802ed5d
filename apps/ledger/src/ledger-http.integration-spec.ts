import type { INestApplication } from '@nestjs/common';
import { assertAllRoutesGuarded, createApiKey, signedFetch } from '@strongroom/api-auth';
import { startHttpApp } from '@strongroom/shared-http';
import { verifyProof } from '@strongroom/proof-verifier';
import { describeEachBackend } from '@strongroom/testing';
import { LedgerAppModule, ledgerAppMigrations } from './app.module';

type Creds = { keyId: string; secret: string };
type Json = Record<string, unknown>;

describeEachBackend('ledger HTTP API', { migrations: ledgerAppMigrations }, (ctx) => {
  let app: INestApplication;
  let url: string;
  const keys: Record<'backend' | 'auditor' | 'admin' | 'approver', Creds> = {} as never;
  let n = 0;
  const tid = (p: string) => `${p}-${++n}`;

  const call = async (who: Creds, method: string, path: string, body?: unknown, raw = false) => {
    const res = await signedFetch(url, who, method, path, body, { raw });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: (text ? JSON.parse(text) : {}) as Json };
  };
  const be = (method: string, path: string, body?: unknown) => call(keys.backend, method, path, body);

  let custody: Json;
  let alice: Json;
  let bob: Json;
  let aliceEth: Json;

  beforeAll(async () => {
    const { db } = ctx();
    for (const role of ['backend', 'auditor', 'admin', 'approver'] as const) keys[role] = await createApiKey(db, { name: `test ${role}`, role });
    const started = await startHttpApp(LedgerAppModule.forRoot({ db }, { ledger: { sweepIntervalMs: 0 }, env: {} }), {
      name: 'ledger',
      title: 'ledger',
      description: 'test',
      port: 0,
    });
    app = started.app;
    url = started.url;
    const open = async (clientId: string, ownerId: string, asset: string, kind: string) => {
      const r = await be('POST', '/v1/accounts', { clientId, ownerId, asset, kind });
      expect(r.status).toBe(201);
      return r.body;
    };
    custody = await open('operator', 'hot', 'BTC', 'custody');
    alice = await open('acme', 'alice', 'BTC', 'user');
    bob = await open('acme', 'bob', 'BTC', 'user');
    aliceEth = await open('acme', 'alice', 'ETH', 'user');
    const dep = await be('POST', '/v1/transfers', { id: 'dep-1', debitAccountId: custody.id, creditAccountId: alice.id, amount: '1000', code: 'deposit' });
    expect(dep.status).toBe(201);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('guards every route with a role, and refuses unsigned or wrong-role calls', async () => {
    const routes = assertAllRoutesGuarded(app);
    expect(routes.filter((r) => r.path.startsWith('/v1')).length).toBeGreaterThanOrEqual(9);
    const unsigned = await fetch(`${url}/v1/accounts/${alice.id}`);
    expect(unsigned.status).toBe(401);
    expect((await call(keys.auditor, 'POST', '/v1/transfers', { id: tid('x'), debitAccountId: alice.id, creditAccountId: bob.id, amount: '1' })).status).toBe(403);
    expect((await call(keys.approver, 'GET', `/v1/accounts/${alice.id}`)).status).toBe(403);
    expect((await be('GET', '/v1/invariants')).status).toBe(403);
    expect((await be('POST', `/v1/accounts/${bob.id}/close`)).status).toBe(403);
    expect((await call(keys.auditor, 'GET', `/v1/accounts/${alice.id}`)).status).toBe(200);
  });

  it('serves accounts, lists an owner and reads balances now and as of a sequence or time', async () => {
    const list = await call(keys.auditor, 'GET', '/v1/accounts?clientId=acme&ownerId=alice');
    expect((list.body.accounts as Json[]).map((a) => a.asset).sort()).toEqual(['BTC', 'ETH']);
    const t = await be('POST', '/v1/transfers', { id: tid('dep'), debitAccountId: custody.id, creditAccountId: alice.id, amount: '5' });
    const seq = (t.body.transfer as Json).sequence as string;
    const createdAt = (t.body.transfer as Json).createdAt as string;
    await be('POST', '/v1/transfers', { id: tid('dep'), debitAccountId: custody.id, creditAccountId: alice.id, amount: '7' });
    const now = await be('GET', `/v1/accounts/${alice.id}/balances`);
    const atSeq = await be('GET', `/v1/accounts/${alice.id}/balances?asOfSequence=${seq}`);
    const before = await be('GET', `/v1/accounts/${alice.id}/balances?asOfSequence=${BigInt(seq) - 1n}`);
    const atTime = await be('GET', `/v1/accounts/${alice.id}/balances?asOf=${encodeURIComponent(createdAt)}`);
    expect(BigInt(now.body.creditsPosted as string) - BigInt(atSeq.body.creditsPosted as string)).toBe(7n);
    expect(BigInt(atSeq.body.creditsPosted as string) - BigInt(before.body.creditsPosted as string)).toBe(5n);
    expect(BigInt(atTime.body.creditsPosted as string)).toBeGreaterThanOrEqual(BigInt(atSeq.body.creditsPosted as string));
    expect(typeof now.body.creditsPosted).toBe('string');
    const future = await be('GET', `/v1/accounts/${alice.id}/balances?asOfSequence=99999999`);
    expect([future.status, future.body.code]).toEqual([422, 'balance.as_of_future']);
    const badQuery = await be('GET', `/v1/accounts/${alice.id}/balances?asOf=yesterday`);
    expect([badQuery.status, badQuery.body.code]).toEqual([400, 'request.invalid']);
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
      ['POST', '/v1/transfers', { ...base, id: tid('b'), amount: '1.5' }, 400, 'amount.not_integer'],
      ['POST', '/v1/transfers', { ...base, id: tid('b'), amount: '0.00000001' }, 400, 'amount.not_integer'],
      ['POST', '/v1/transfers', { ...base, id: tid('b'), amount: (1n << 256n).toString() }, 400, 'amount.too_large'],
      ['POST', '/v1/transfers', { ...base, id: tid('b'), amount: 5 }, 400, 'amount.malformed'],
      ['POST', '/v1/transfers', { ...base, id: tid('b'), amount: '1e3' }, 400, 'amount.malformed'],
      ['POST', '/v1/transfers', { ...base, id: tid('b'), creditAccountId: '00000000-0000-4000-8000-000000000000' }, 404, 'account.not_found'],
      ['POST', '/v1/transfers', { ...base, id: tid('b'), creditAccountId: aliceEth.id }, 422, 'transfer.asset_mismatch'],
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
      ['POST', '/v1/transfers/batch', { transfers: [{ ...base, id: tid('b'), amount: '1.0' }] }, 400, 'amount.not_integer'],
      ['POST', '/v1/accounts', { clientId: 'acme', ownerId: 'q', asset: 'BTC', kind: 'wallet' }, 400, 'request.invalid'],
      ['GET', '/v1/accounts/00000000-0000-4000-8000-000000000000', undefined, 404, 'account.not_found'],
      ['GET', '/v1/transfers/unknown-id', undefined, 404, 'transfer.not_found'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const r = await be(method, path, body);
      expect(r.type).toContain('application/problem+json');
      expect(`${method} ${path} ${JSON.stringify(body)} → ${r.status} ${String(r.body.code)}`).toBe(`${method} ${path} ${JSON.stringify(body)} → ${status} ${code}`);
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
    const body = { id: tid('dep'), debitAccountId: custody.id, creditAccountId: bob.id, amount: '100' };
    const first = await be('POST', '/v1/transfers', body);
    const again = await be('POST', '/v1/transfers', body);
    expect([first.status, first.body.replayed, again.status, again.body.replayed]).toEqual([201, false, 200, true]);
    expect((again.body.transfer as Json).sequence).toBe((first.body.transfer as Json).sequence);
    const hold = await be('POST', '/v1/transfers', { id: tid('hold'), debitAccountId: bob.id, creditAccountId: alice.id, amount: '60', flags: ['pending'], timeoutSeconds: 600 });
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
        { id: tid('b'), debitAccountId: custody.id, creditAccountId: bob.id, amount: '3' },
        { id: tid('b'), debitAccountId: bob.id, creditAccountId: alice.id, amount: '1', flags: ['linked'] },
        { id: tid('b'), debitAccountId: bob.id, creditAccountId: aliceEth.id, amount: '1' },
        { id: tid('b'), debitAccountId: custody.id, creditAccountId: alice.id, amount: '4' },
      ],
    });
    expect(r.status).toBe(200);
    expect((r.body.results as Json[]).map((x) => (x.ok ? 'ok' : x.code))).toEqual(['ok', 'transfer.linked_failed', 'transfer.asset_mismatch', 'ok']);
  });

  it('coalesces concurrent single transfers into few transactions with independent outcomes', async () => {
    const poor = await be('POST', '/v1/accounts', { clientId: 'acme', ownerId: 'poor', asset: 'BTC', kind: 'user' });
    const calls = Array.from({ length: 60 }, (_, i) =>
      be('POST', '/v1/transfers', i % 3 === 0
        ? { id: tid('c'), debitAccountId: poor.body.id, creditAccountId: alice.id, amount: '1' } // refused: no funds
        : { id: tid('c'), debitAccountId: custody.id, creditAccountId: bob.id, amount: '1' }),
    );
    const results = await Promise.all(calls);
    expect(results.filter((r) => r.status === 201).length).toBe(40);
    expect(results.filter((r) => r.body.code === 'account.debits_exceed_credits').length).toBe(20);
    const seqs = results.filter((r) => r.status === 201).map((r) => BigInt((r.body.transfer as Json).sequence as string));
    expect(new Set(seqs).size).toBe(40);
    const inv = await call(keys.admin, 'GET', '/v1/invariants');
    expect(inv.body).toMatchObject({ ok: true, violations: [] });
  });

  it('documents every /v1 route in OpenAPI', async () => {
    const doc = (await (await fetch(`${url}/docs-json`)).json()) as { paths: Record<string, Record<string, { summary?: string }>> };
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
    expect(verifyProof(proof.body, { expectedRoot: root.body.root as string })).toMatchObject({ valid: true, userId: 'acme/alice' });
    // The ledger app holds no custody keys: proof of assets belongs to the signer apps.
    const assets = await call(keys.auditor, 'POST', '/v1/proof-of-assets', { challenge: 'audit challenge 1' });
    expect([assets.status, assets.body.code]).toEqual([503, 'proof_of_assets.unavailable']);
  });
});
