import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApiKey, createClient, type ApiCredentials } from '@strongroom/api-auth';
import { openDatabase } from '@strongroom/persistence';
import { custodyContexts } from './start-custody';
import { eventually, startCustodyProcess, type CustodyProcess } from './testing/custody-process';

// The minting attack (libs/api-auth/README.md), end to end over HTTP against the embedded default (`npm start` in a child
// process, real kms-local, bcoin regtest and anvil): one ordinary backend key tries to create money
// and to act for other clients. Every step that used to succeed must be refused with its code,
// custody must be untouched and the books must still balance.
jest.setTimeout(240_000);

type Json = Record<string, unknown>;
type Api = keyof CustodyProcess['urls'];
interface Account {
  id: string;
  kind: string;
  creditsPosted: string;
  debitsPosted: string;
  debitsPending: string;
}

const DEST = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';

describe('the least-privilege attack (embedded default, over HTTP)', () => {
  let dataDir: string;
  let app: CustodyProcess | null = null;
  const k: Record<'admin1' | 'admin2' | 'attacker' | 'globex' | 'auditor', ApiCredentials> = {} as never;

  const send = async (
    who: ApiCredentials,
    api: Api,
    method: string,
    p: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => {
    const res = await (app as CustodyProcess).call(who, api, method, p, body, headers);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
  };
  const ok = async <T = Json>(
    who: ApiCredentials,
    api: Api,
    method: string,
    p: string,
    body?: unknown,
    status = 200,
    headers?: Record<string, string>,
  ) => {
    const r = await send(who, api, method, p, body, headers);
    if (r.status !== status)
      throw new Error(`${method} ${p}: expected ${status}, got ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as T;
  };
  const refused = async (
    who: ApiCredentials,
    api: Api,
    method: string,
    p: string,
    body: unknown,
    status: number,
    code: string,
    headers?: Record<string, string>,
  ) => {
    const r = await send(who, api, method, p, body, headers);
    expect(`${method} ${api}${p} → ${r.status} ${String(r.body.code)}`).toBe(
      `${method} ${api}${p} → ${status} ${code}`,
    );
  };
  const aliceBtc = async () =>
    (await ok<{ data: Account[] }>(k.auditor, 'ledger', 'GET', '/v1/accounts?clientId=acme&ownerId=alice')).data.find(
      (a) => a.kind === 'user',
    ) as Account;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'custody-attack-'));
    // Registered clients and scoped keys, set up as an operator would before the first start.
    const db = await openDatabase({
      dataDir,
      contexts: custodyContexts,
      migrate: true,
      applicationName: 'attack-spec',
    });
    try {
      await createClient(db, { id: 'acme', name: 'Acme Exchange', custody: 'pooled' });
      await createClient(db, { id: 'globex', name: 'Globex', custody: 'segregated' });
      k.admin1 = await createApiKey(db, { name: 'ops 1', role: 'admin', owner: 'ops alice' });
      k.admin2 = await createApiKey(db, { name: 'ops 2', role: 'admin', owner: 'ops bob' });
      k.attacker = await createApiKey(db, {
        name: 'acme backend',
        role: 'backend',
        owner: 'acme backend team',
        clients: ['acme'],
      });
      k.globex = await createApiKey(db, {
        name: 'globex backend',
        role: 'backend',
        owner: 'globex backend team',
        clients: ['globex'],
      });
      k.auditor = await createApiKey(db, { name: 'auditor', role: 'auditor', owner: 'audit firm' });
    } finally {
      await db.close();
    }
    app = await startCustodyProcess(dataDir);
  });
  afterAll(async () => {
    await app?.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('credits money only from the chain: a real deposit to an acme user', async () => {
    expect(app?.admin).toBeNull(); // admins existed before the first start: none minted
    const addr = await ok<{ address: string }>(
      k.attacker,
      'deposits',
      'POST',
      '/v1/deposit-addresses',
      { clientId: 'acme', userId: 'alice', asset: 'BTC' },
      201,
    );
    await ok(k.admin1, 'deposits', 'POST', '/v1/dev/bitcoin/send', { address: addr.address, amount: '50000000' });
    await ok(k.admin1, 'deposits', 'POST', '/v1/dev/bitcoin/mine', { blocks: 2 });
    await eventually('the deposit to be credited', async () => {
      const a = await aliceBtc().catch(() => undefined);
      return a?.creditsPosted === '50000000' ? a : undefined;
    });
  });

  it('refuses every step of the attack with its code, and nothing changes', async () => {
    const alice = await aliceBtc();
    const wallets = (
      await ok<{ data: { id: string; chain: string }[] }>(k.admin1, 'deposits', 'GET', '/v1/custody-wallets')
    ).data;
    const btcWallet = (wallets.find((w) => w.chain === 'bitcoin') as { id: string }).id;
    const custody = (
      await ok<{ data: Account[] }>(
        k.admin1,
        'ledger',
        'GET',
        `/v1/accounts?clientId=operator&ownerId=${encodeURIComponent(btcWallet)}`,
      )
    ).data[0];
    expect(custody.kind).toBe('custody');
    const before = await ok<{ ok: boolean; sequence: string }>(k.auditor, 'ledger', 'GET', '/v1/invariants');

    // 1. Open an equity (or any system) account: refused for every key, admin included.
    for (const kind of ['equity', 'custody', 'incident', 'in_flight', 'fee_revenue']) {
      await refused(
        k.attacker,
        'ledger',
        'POST',
        '/v1/accounts',
        { clientId: 'acme', ownerId: 'house', asset: 'BTC', kind },
        403,
        'account.kind_forbidden',
      );
      await refused(
        k.admin1,
        'ledger',
        'POST',
        '/v1/accounts',
        { clientId: 'operator', ownerId: 'house', asset: 'BTC', kind },
        403,
        'account.kind_forbidden',
      );
    }
    // Only the assets this deployment serves (the embedded default: BTC and ETH, so not USDC either).
    for (const asset of ['DOGE', 'USDC'])
      await refused(
        k.attacker,
        'ledger',
        'POST',
        '/v1/accounts',
        { clientId: 'acme', ownerId: 'alice', asset, kind: 'user' },
        404,
        'asset.unknown',
      );
    await refused(
      k.attacker,
      'ledger',
      'POST',
      '/v1/accounts',
      {
        clientId: 'acme',
        ownerId: 'mallory',
        asset: 'BTC',
        kind: 'user',
        flags: { debitsMustNotExceedCredits: false },
      },
      403,
      'account.flags_forbidden',
    );

    // 2. Move 0.2 BTC out of custody (or any system account) to a user: refused, plain, pending or batched.
    const mint = { debitAccountId: custody.id, creditAccountId: alice.id, amount: '20000000' };
    await refused(
      k.attacker,
      'ledger',
      'POST',
      '/v1/transfers',
      { id: 'mint-1', ...mint },
      403,
      'transfer.system_account',
    );
    await refused(
      k.attacker,
      'ledger',
      'POST',
      '/v1/transfers',
      { id: 'mint-2', ...mint, flags: ['pending'] },
      403,
      'transfer.system_account',
    );
    await refused(
      k.attacker,
      'ledger',
      'POST',
      '/v1/transfers/batch',
      { transfers: [{ id: 'mint-3', ...mint }] },
      403,
      'transfer.system_account',
    );
    await refused(
      k.admin1,
      'ledger',
      'POST',
      '/v1/transfers',
      { id: 'mint-4', ...mint },
      403,
      'transfer.system_account',
    );
    await refused(
      k.attacker,
      'ledger',
      'POST',
      '/v1/transfers',
      { id: 'burn-1', debitAccountId: alice.id, creditAccountId: custody.id, amount: '1' },
      403,
      'transfer.system_account',
    );

    // 3. Act for a client outside the key's scope: 403 auth.forbidden_client, whether the client exists or not.
    await refused(
      k.attacker,
      'ledger',
      'POST',
      '/v1/accounts',
      { clientId: 'globex', ownerId: 'mallory', asset: 'BTC', kind: 'user' },
      403,
      'auth.forbidden_client',
    );
    await refused(
      k.attacker,
      'ledger',
      'GET',
      '/v1/accounts?clientId=globex&ownerId=gus',
      undefined,
      403,
      'auth.forbidden_client',
    );
    await refused(
      k.attacker,
      'deposits',
      'POST',
      '/v1/deposit-addresses',
      { clientId: 'globex', userId: 'mallory', asset: 'BTC' },
      403,
      'auth.forbidden_client',
    );
    const withdrawal = { userId: 'alice', asset: 'BTC', amount: '20000000', destination: DEST };
    for (const clientId of ['globex', 'brand-new-client']) {
      await refused(
        k.attacker,
        'withdrawals',
        'POST',
        '/v1/withdrawals',
        { ...withdrawal, clientId },
        403,
        'auth.forbidden_client',
        { 'Idempotency-Key': `evil-${clientId}` },
      );
    }
    // An unknown client is never a silent new namespace, even for an admin.
    await refused(
      k.admin1,
      'ledger',
      'POST',
      '/v1/accounts',
      { clientId: 'brand-new-client', ownerId: 'x', asset: 'BTC', kind: 'user' },
      404,
      'client.not_found',
    );

    // 4. A withdrawal where no policy exists is denied, nothing held.
    await refused(
      k.attacker,
      'withdrawals',
      'POST',
      '/v1/withdrawals',
      { ...withdrawal, clientId: 'acme' },
      422,
      'withdrawal.no_policy',
      { 'Idempotency-Key': 'no-policy-1' },
    );
    expect((await aliceBtc()).debitsPending).toBe('0');

    // 5. One admin alone cannot set a policy; with a second admin of another owner it applies.
    const policy = await ok<{ id: string }>(
      k.admin1,
      'withdrawals',
      'PUT',
      '/v1/withdrawal-policies/BTC/acme',
      { approvalThreshold: '0', approvalsRequired: 1, withdrawalFee: '10000' },
      202,
    );
    await refused(
      k.admin1,
      'withdrawals',
      'POST',
      `/v1/changes/${policy.id}/approve`,
      undefined,
      403,
      'change.same_person',
    );
    await refused(k.admin2, 'ledger', 'POST', `/v1/changes/${policy.id}/approve`, undefined, 409, 'change.other_api');
    await ok(k.admin2, 'withdrawals', 'POST', `/v1/changes/${policy.id}/approve`);

    // 6. Another client's key cannot cancel (or read) acme's withdrawal; acme's own key can.
    const held = await ok<{ id: string; status: string }>(
      k.attacker,
      'withdrawals',
      'POST',
      '/v1/withdrawals',
      { ...withdrawal, clientId: 'acme' },
      201,
      { 'Idempotency-Key': 'held-1' },
    );
    expect(held.status).toBe('awaiting_approval');
    expect((await aliceBtc()).debitsPending).toBe('20010000');
    await refused(
      k.globex,
      'withdrawals',
      'POST',
      `/v1/withdrawals/${held.id}/cancel`,
      {},
      403,
      'auth.forbidden_client',
    );
    expect((await ok<{ status: string }>(k.attacker, 'withdrawals', 'GET', `/v1/withdrawals/${held.id}`)).status).toBe(
      'awaiting_approval',
    );
    // The held amount cannot be released behind the withdrawal's back through the ledger either.
    await refused(
      k.attacker,
      'ledger',
      'POST',
      `/v1/transfers/${encodeURIComponent(`withdrawal:${held.id}:hold`)}/void`,
      { id: 'unhold-1' },
      403,
      'transfer.system_account',
    );
    expect(
      (
        await ok<{ status: string }>(k.attacker, 'withdrawals', 'POST', `/v1/withdrawals/${held.id}/cancel`, {
          reason: 'test',
        })
      ).status,
    ).toBe('cancelled');

    // Custody untouched: alice holds exactly what the chain credited, nothing was signed or sent.
    expect(await aliceBtc()).toMatchObject({ creditsPosted: '50000000', debitsPosted: '0', debitsPending: '0' });
    const list = await ok<{ data: { status: string }[] }>(
      k.attacker,
      'withdrawals',
      'GET',
      '/v1/withdrawals?clientId=acme',
    );
    expect(list.data.map((w) => w.status).filter((s) => s !== 'cancelled' && s !== 'rejected')).toEqual([]);
    const after = await ok<{ ok: boolean; sequence: string; violations: unknown[] }>(
      k.auditor,
      'ledger',
      'GET',
      '/v1/invariants',
    );
    expect(after).toMatchObject({ ok: true, violations: [] });
    // The only ledger writes since the deposit: the hold and its void.
    expect(BigInt(after.sequence) - BigInt(before.sequence)).toBe(2n);
  });

  it('reconciles balanced afterwards: liabilities are what the chain holds', async () => {
    const snapshot = await ok<{ id: string }>(k.auditor, 'ledger', 'POST', '/v1/snapshots', {}, 202);
    await eventually('the snapshot to complete', async () => {
      const got = await ok<{ status: string }>(k.auditor, 'ledger', 'GET', `/v1/snapshots/${snapshot.id}`);
      return got.status === 'complete' ? got : undefined;
    });
    const rec = await ok<{ assets: { asset: string; status: string; onChain: string; liabilities: string }[] }>(
      k.auditor,
      'ledger',
      'POST',
      '/v1/reconciliations',
      { snapshotId: snapshot.id },
      201,
    );
    expect(rec.assets.find((a) => a.asset === 'BTC')).toMatchObject({
      status: 'balanced',
      onChain: '50000000',
      liabilities: '50000000',
    });
  });
});
