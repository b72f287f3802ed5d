import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ApiCredentials } from '@strongroom/api-auth';
import { eventually, startCustodyProcess, type CustodyProcess } from './testing/custody-process';
import { verifyAssetsProof } from '@strongroom/proof-verifier';

// `npm start` as a user runs it: a child process on a fresh data directory, ports 0, the real
// kms-local, bcoin regtest node and anvil it starts. One process at a time (one data dir lock).
jest.setTimeout(180_000);

interface Withdrawal {
  id: string;
  status: string;
  txid: string | null;
  history?: { to: string }[];
}
interface Deposit {
  state: string;
  amount: string;
  confirmations: number;
}
interface Account {
  creditsPosted: string;
  debitsPosted: string;
  debitsPending: string;
}
interface CustodyWalletRecord {
  id: string;
  chain: string;
  threshold: number;
  publicKeys: string[];
  safeAddress?: string;
}

const DEST = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';

interface Change {
  id: string;
  status: string;
  result: unknown;
}

async function json<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

describe('custody app (npm start)', () => {
  let dataDir: string;
  let app: CustodyProcess | null = null;
  let admin: ApiCredentials;
  let checker: ApiCredentials;
  const keys: Record<'backend' | 'approver' | 'auditor', ApiCredentials> = {} as never;
  let walletsBefore: CustodyWalletRecord[];
  let depositAddress: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'custody-'));
  });
  afterAll(async () => {
    await app?.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Proposed by the first admin, approved by the second (another owner), on the API that recorded it. */
  async function dualControl(api: 'ledger' | 'withdrawals', method: string, p: string, body: unknown): Promise<Change> {
    const a = app as CustodyProcess;
    const proposed = await json<Change>(await a.call(admin, api, method, p, body), 202);
    expect(proposed.status).toBe('pending');
    // The maker cannot approve their own change.
    expect((await a.call(admin, api, 'POST', `/v1/changes/${proposed.id}/approve`)).status).toBe(403);
    const done = await json<Change>(await a.call(checker, api, 'POST', `/v1/changes/${proposed.id}/approve`));
    expect(done.status).toBe('executed');
    return done;
  }

  it('first start: runs the ceremony, prints two admin keys once, serves three healthy APIs', async () => {
    app = await startCustodyProcess(dataDir);
    expect(app.output()).toMatch(/key ceremony\s+bitcoin: 2-of-3/);
    expect(app.output()).toMatch(/key ceremony\s+ethereum: 2-of-3 .* \+ relayer/);
    expect(app.output()).toMatch(/custody Safe deployed at 0x[0-9a-fA-F]{40}/);
    expect(app.admins).toHaveLength(2);
    [admin, checker] = app.admins;
    for (const api of ['ledger', 'deposits', 'withdrawals'] as const) {
      const res = await fetch(`${app.urls[api]}/health`);
      expect(res.status).toBe(200);
      expect((await fetch(`${app.urls[api]}/docs-json`)).status).toBe(200);
    }
    // The printed key works on an authenticated route; an unsigned request does not.
    expect((await fetch(`${app.urls.ledger}/v1/auth/keys`)).status).toBe(401);
    const listed = await json<{ data: { keyId: string; role: string }[] }>(
      await app.call(admin, 'ledger', 'GET', '/v1/auth/keys'),
    );
    // Both are minted in one transaction: the list's order between them is by key id.
    expect(listed.data).toHaveLength(2);
    expect(listed.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ keyId: admin.keyId, role: 'admin' }),
        expect.objectContaining({ keyId: checker.keyId, role: 'admin' }),
      ]),
    );
    // Both custody wallets, 2-of-3, registered for deposits; the Ethereum one with its Safe.
    walletsBefore = (
      await json<{ data: CustodyWalletRecord[] }>(await app.call(admin, 'deposits', 'GET', '/v1/custody-wallets'))
    ).data;
    expect(walletsBefore.map((w) => [w.chain, w.threshold, w.publicKeys.length]).sort()).toEqual([
      ['bitcoin', 2, 3],
      ['ethereum', 2, 3],
    ]);
    expect(walletsBefore.find((w) => w.chain === 'ethereum')?.safeAddress).toMatch(/^0x[0-9a-fA-F]{40}$/);
    // The publication key that signs published roots and users' statements, made in kms-local on first use.
    const published = await json<{ publicKey: string }>(
      await app.call(admin, 'ledger', 'GET', '/v1/proof-publication/key'),
    );
    expect(published.publicKey).toMatch(/^0[23][0-9a-f]{64}$/);
  });

  it('refuses a second process on the same data directory', async () => {
    await expect(startCustodyProcess(dataDir)).rejects.toThrow(
      /exited with 1[\s\S]*another custody process \(pid \d+\) is using/,
    );
  });

  it('takes a BTC deposit to credit and a withdrawal through approval to settlement, over HTTP', async () => {
    const a = app as CustodyProcess;
    // A client, then keys scoped to it: backend and auditor by one admin, an approver by two.
    expect(
      (
        await a.call(admin, 'deposits', 'POST', '/v1/deposit-addresses', {
          clientId: 'acme',
          userId: 'alice',
          asset: 'BTC',
        })
      ).status,
    ).toBe(404);
    await dualControl('ledger', 'POST', '/v1/clients', { id: 'acme', name: 'Acme Exchange', custody: 'pooled' });
    keys.backend = await json<ApiCredentials>(
      await a.call(admin, 'ledger', 'POST', '/v1/auth/keys', {
        name: 'test backend',
        role: 'backend',
        owner: 'acme backend team',
        clients: ['acme'],
      }),
      201,
    );
    keys.auditor = await json<ApiCredentials>(
      await a.call(admin, 'ledger', 'POST', '/v1/auth/keys', {
        name: 'test auditor',
        role: 'auditor',
        owner: 'the auditor',
        clients: 'all',
      }),
      201,
    );
    const minted = await dualControl('ledger', 'POST', '/v1/auth/keys', {
      name: 'test approver',
      role: 'approver',
      owner: 'treasury approver',
      clients: ['acme'],
    });
    keys.approver = minted.result as ApiCredentials;
    expect(keys.approver.secret).toMatch(/^srs_/);
    // The dev faucet is admin only.
    expect((await a.call(keys.backend, 'deposits', 'POST', '/v1/dev/bitcoin/mine', { blocks: 1 })).status).toBe(403);

    const addr = await json<{ address: string }>(
      await a.call(keys.backend, 'deposits', 'POST', '/v1/deposit-addresses', {
        clientId: 'acme',
        userId: 'alice',
        asset: 'BTC',
      }),
      201,
    );
    depositAddress = addr.address;
    expect(depositAddress).toMatch(/^bcrt1q/);
    await json(
      await a.call(admin, 'deposits', 'POST', '/v1/dev/bitcoin/send', { address: depositAddress, amount: '150000000' }),
    );
    await json(await a.call(admin, 'deposits', 'POST', '/v1/dev/bitcoin/mine', { blocks: 2 }));
    const deposit = await eventually('the deposit to be credited', async () => {
      const page = await json<{ data: Deposit[] }>(
        await a.call(keys.backend, 'deposits', 'GET', '/v1/deposits?clientId=acme&userId=alice'),
      );
      return page.data.find((d) => d.state === 'credited');
    });
    expect(deposit.amount).toBe('150000000');
    const balance = async () =>
      (
        await json<{ data: Account[] }>(
          await a.call(keys.backend, 'ledger', 'GET', '/v1/accounts?clientId=acme&ownerId=alice'),
        )
      ).data[0];
    expect(await balance()).toMatchObject({ creditsPosted: '150000000', debitsPosted: '0' });

    // Above 0.1 BTC a withdrawal needs one approver; a 10,000 sat fee covers the network fee.
    // Deny by default: no policy, no withdrawal; a policy takes two admins.
    const early = await a.call(
      keys.backend,
      'withdrawals',
      'POST',
      '/v1/withdrawals',
      { clientId: 'acme', userId: 'alice', asset: 'BTC', amount: '40000000', destination: DEST },
      { 'Idempotency-Key': 'test-w0' },
    );
    expect(early.status).toBe(422);
    expect(((await early.json()) as { code: string }).code).toBe('withdrawal.no_policy');
    await dualControl('withdrawals', 'PUT', '/v1/withdrawal-policies/BTC/acme', {
      approvalThreshold: '10000000',
      approvalsRequired: 1,
      withdrawalFee: '10000',
    });
    const w = await json<Withdrawal>(
      await a.call(
        keys.backend,
        'withdrawals',
        'POST',
        '/v1/withdrawals',
        { clientId: 'acme', userId: 'alice', asset: 'BTC', amount: '40000000', destination: DEST },
        { 'Idempotency-Key': 'test-w1' },
      ),
      201,
    );
    expect(w.status).toBe('awaiting_approval');
    expect((await balance()).debitsPending).toBe('40010000');
    // The requester cannot approve, nor can an admin; an approver of another owner can.
    expect((await a.call(keys.backend, 'withdrawals', 'POST', `/v1/approvals/${w.id}/approve`)).status).toBe(403);
    expect((await a.call(admin, 'withdrawals', 'POST', `/v1/approvals/${w.id}/approve`)).status).toBe(403);
    await json(await a.call(keys.approver, 'withdrawals', 'POST', `/v1/approvals/${w.id}/approve`));
    const get = async () =>
      json<Withdrawal>(await a.call(keys.backend, 'withdrawals', 'GET', `/v1/withdrawals/${w.id}`));
    const broadcast = await eventually('the withdrawal to be broadcast', async () => {
      const got = await get();
      return got.status === 'broadcast' ? got : undefined;
    });
    expect(broadcast.txid).toMatch(/^[0-9a-f]{64}$/);
    await json(await a.call(admin, 'deposits', 'POST', '/v1/dev/bitcoin/mine', { blocks: 2 }));
    const settled = await eventually('the withdrawal to settle', async () => {
      const got = await get();
      return got.status === 'settled' ? got : undefined;
    });
    expect(settled.history?.map((h) => h.to)).toEqual([
      'requested',
      'held',
      'awaiting_approval',
      'approved',
      'batched',
      'signing',
      'signed',
      'broadcast',
      'confirmed',
      'settled',
    ]);
    expect(await balance()).toMatchObject({ creditsPosted: '150000000', debitsPosted: '40010000', debitsPending: '0' });
    const invariants = await json<{ ok: boolean; violations: unknown[] }>(
      await a.call(keys.auditor, 'ledger', 'GET', '/v1/invariants'),
    );
    expect(invariants).toMatchObject({ ok: true, violations: [] });
  });

  it('takes an ETH deposit, sweeps it into the Safe on schedule and pays a Safe withdrawal; the auditor reconciles both chains', async () => {
    const a = app as CustodyProcess;
    const addr = await json<{ address: string }>(
      await a.call(keys.backend, 'deposits', 'POST', '/v1/deposit-addresses', {
        clientId: 'acme',
        userId: 'bob',
        asset: 'ETH',
      }),
      201,
    );
    await json(
      await a.call(admin, 'deposits', 'POST', '/v1/dev/ethereum/send', {
        address: addr.address,
        amount: '2000000000000000000',
      }),
    );
    await json(await a.call(admin, 'deposits', 'POST', '/v1/dev/ethereum/mine', { blocks: 1 }));
    await eventually('the ETH deposit to be credited', async () => {
      const page = await json<{ data: Deposit[] }>(
        await a.call(keys.backend, 'deposits', 'GET', '/v1/deposits?clientId=acme&userId=bob'),
      );
      return page.data.find((d) => d.state === 'credited');
    });
    // The sweeper finds the credited address above its threshold and sweeps it with the relayer key
    // (anvil mines it at once); the withdrawal can then be paid from the Safe.
    const sweep = await eventually('the deposit address to be swept', async () => {
      const page = await json<{ data: { id: string; status: string; addresses: string[] }[] }>(
        await a.call(keys.auditor, 'withdrawals', 'GET', '/v1/sweeps?chain=ethereum'),
      );
      return page.data.find((s) => s.status === 'broadcast' || s.status === 'settled');
    });
    expect(sweep.addresses).toEqual([addr.address]);
    await dualControl('withdrawals', 'PUT', '/v1/withdrawal-policies/ETH/acme', { approvalsRequired: 0 });
    const w = await json<Withdrawal>(
      await a.call(
        keys.backend,
        'withdrawals',
        'POST',
        '/v1/withdrawals',
        {
          clientId: 'acme',
          userId: 'bob',
          asset: 'ETH',
          amount: '500000000000000000',
          destination: '0x000000000000000000000000000000000000dEaD',
        },
        { 'Idempotency-Key': 'test-e1' },
      ),
      201,
    );
    await eventually('the ETH withdrawal to be broadcast', async () => {
      const got = await json<Withdrawal>(await a.call(keys.backend, 'withdrawals', 'GET', `/v1/withdrawals/${w.id}`));
      return got.status === 'broadcast' ? got : undefined;
    });
    await json(await a.call(admin, 'deposits', 'POST', '/v1/dev/ethereum/mine', { blocks: 2 }));
    await eventually('the ETH withdrawal to settle', async () => {
      const got = await json<Withdrawal>(await a.call(keys.backend, 'withdrawals', 'GET', `/v1/withdrawals/${w.id}`));
      return got.status === 'settled' ? got : undefined;
    });
    const settledSweep = await eventually('the sweep to settle', async () => {
      const got = await json<{ status: string; swept: { asset: string; amount: string }[]; fee: string }>(
        await a.call(keys.auditor, 'withdrawals', 'GET', `/v1/sweeps/${sweep.id}`),
      );
      return got.status === 'settled' ? got : undefined;
    });
    expect(settledSweep.swept).toEqual([
      { address: addr.address, asset: 'ETH', amount: '2000000000000000000', display: { amount: '2 ETH' } },
    ]);
    expect(Number(settledSweep.fee)).toBeGreaterThan(0);

    // A snapshot records the followers' chain tips; one taken before the ETH follower has read the
    // settled withdrawal's block sees the Safe's older balance. Take snapshots until the tips include it.
    type Rec = { assets: { asset: string; status: string; onChain: string; liabilities: string }[] };
    const reconcile = async (): Promise<{ snapshot: { id: string }; rec: Rec }> => {
      const snap = await json<{ id: string }>(await a.call(keys.auditor, 'ledger', 'POST', '/v1/snapshots', {}), 202);
      await eventually('the snapshot to complete', async () => {
        const got = await json<{ status: string }>(
          await a.call(keys.auditor, 'ledger', 'GET', `/v1/snapshots/${snap.id}`),
        );
        return got.status === 'complete' ? got : undefined;
      });
      return {
        snapshot: snap,
        rec: await json<Rec>(
          await a.call(keys.auditor, 'ledger', 'POST', '/v1/reconciliations', { snapshotId: snap.id }),
          201,
        ),
      };
    };
    const { snapshot, rec } = await eventually('a snapshot past the settled ETH withdrawal', async () => {
      const r = await reconcile();
      return r.rec.assets.find((x) => x.asset === 'ETH')?.onChain === '1500000000000000000' ? r : undefined;
    });
    const byAsset = Object.fromEntries(rec.assets.map((r) => [r.asset, r]));
    // BTC: 1.5 deposited − 0.4 paid − the network fee, all in the change output; the user's fee covers that network fee.
    expect(byAsset.BTC).toMatchObject({ status: 'balanced', liabilities: '109990000' });
    expect(BigInt(byAsset.BTC.onChain)).toBeGreaterThan(109990000n);
    // ETH: the Safe holds 2 − 0.5 (the relayer, not the Safe, paid the gas); bob is owed 1.5.
    expect(byAsset.ETH).toMatchObject({
      status: 'balanced',
      onChain: '1500000000000000000',
      liabilities: '1500000000000000000',
    });

    // Proof of assets: every custody key signs the auditor's challenge through kms-local.
    const proof = await json<unknown>(
      await a.call(keys.auditor, 'ledger', 'POST', '/v1/proof-of-assets', {
        challenge: 'auditor challenge 2026-11',
        snapshotId: snapshot.id,
      }),
      201,
    );
    const verdict = verifyAssetsProof(proof, { challenge: 'auditor challenge 2026-11' });
    expect(verdict.problems).toEqual([]);
    expect(verdict.wallets.map((w) => [w.chain, w.validSignatures, w.threshold]).sort()).toEqual([
      ['bitcoin', 3, 2],
      ['ethereum', 3, 2],
    ]);
    expect(verdict.totals.ETH).toBe('1500000000000000000');
  });

  it('stops cleanly on SIGTERM and keeps its state: no new admin key, same KMS keys, addresses and balances', async () => {
    expect(await (app as CustodyProcess).stop('SIGTERM')).toBe(0);
    expect((app as CustodyProcess).output()).toMatch(/stopped\.\s*$/);
    app = await startCustodyProcess(dataDir);
    const a = app;
    expect(a.admin).toBeNull();
    expect(a.output()).not.toMatch(/key ceremony/);
    expect(a.output()).toMatch(/keys\s+2 wallet\(s\) verified against KMS/);
    // The custody change output of the withdrawal is found again after the restart.
    expect(a.output()).toMatch(/custody UTXOs rebuilt from \d+ block\(s\): 1 output\(s\)/);
    // The first admin key still works; the wallets and their public keys did not change.
    const wallets = (
      await json<{ data: CustodyWalletRecord[] }>(await a.call(admin, 'deposits', 'GET', '/v1/custody-wallets'))
    ).data;
    expect(wallets).toEqual(walletsBefore);
    const addresses = await json<{ data: { address: string }[] }>(
      await a.call(keys.backend, 'deposits', 'GET', '/v1/deposit-addresses?clientId=acme&userId=alice'),
    );
    expect(addresses.data.map((i) => i.address)).toEqual([depositAddress]);
    const accounts = await json<{ data: Account[] }>(
      await a.call(keys.auditor, 'ledger', 'GET', '/v1/accounts?clientId=acme&ownerId=alice'),
    );
    expect(accounts.data[0]).toMatchObject({ creditsPosted: '150000000', debitsPosted: '40010000' });

    // The rebuilt UTXO set is spendable: a second withdrawal settles after the restart.
    const w = await json<Withdrawal>(
      await a.call(
        keys.backend,
        'withdrawals',
        'POST',
        '/v1/withdrawals',
        { clientId: 'acme', userId: 'alice', asset: 'BTC', amount: '5000000', destination: DEST },
        { 'Idempotency-Key': 'test-w2' },
      ),
      201,
    );
    expect(w.status).toBe('approved');
    await eventually('the second withdrawal to be broadcast', async () => {
      const got = await json<Withdrawal>(await a.call(keys.backend, 'withdrawals', 'GET', `/v1/withdrawals/${w.id}`));
      return got.status === 'broadcast' ? got : undefined;
    });
    await json(await a.call(admin, 'deposits', 'POST', '/v1/dev/bitcoin/mine', { blocks: 2 }));
    await eventually('the second withdrawal to settle', async () => {
      const got = await json<Withdrawal>(await a.call(keys.backend, 'withdrawals', 'GET', `/v1/withdrawals/${w.id}`));
      return got.status === 'settled' ? got : undefined;
    });
  });

  it('recovers from SIGKILL: the stale lock and the orphaned anvil are taken over, nothing is lost', async () => {
    const a = app as CustodyProcess;
    const before = await json<{ data: { address: string }[] }>(
      await a.call(keys.auditor, 'deposits', 'GET', '/v1/deposit-addresses?clientId=acme'),
    );
    expect(await a.stop('SIGKILL')).toBeNull();
    app = await startCustodyProcess(dataDir);
    expect(app.output()).toMatch(/anvil\s+stopping pid \d+, left running by a previous start/);
    expect(app.admin).toBeNull();
    const after = await json<{ data: { address: string }[] }>(
      await app.call(keys.auditor, 'deposits', 'GET', '/v1/deposit-addresses?clientId=acme'),
    );
    expect(after.data).toEqual(before.data);
    const accounts = await json<{ data: Account[] }>(
      await app.call(keys.auditor, 'ledger', 'GET', '/v1/accounts?clientId=acme&ownerId=alice'),
    );
    expect(accounts.data[0].debitsPosted).toBe('45020000');
    expect(await app.stop('SIGTERM')).toBe(0);
    app = null;
  });
});
