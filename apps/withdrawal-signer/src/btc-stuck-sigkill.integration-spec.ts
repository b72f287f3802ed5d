import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { BitcoinAdapter } from '@strongroom/chains-bitcoin';
import type { WatchedAddress } from '@strongroom/chains-core';
import { startBitcoinRegtest } from '@strongroom/local-services/bitcoin-regtest';
import type { Withdrawal } from '@strongroom/withdrawals';
import { btcAddress } from './testing/fixtures';
import { startWithdrawalTestApp } from './testing/withdrawal-test-app';
import { holdState } from './testing/withdrawal-calls';

const BTC = 100_000_000n;
const LEASE = 20_000;
const ROOT = path.resolve(__dirname, '../../..');

// Bitcoin withdrawals in flight when a real process is SIGKILLed (not an exception: nothing held
// in the dead process's memory survives). Needs a database two processes share: PostgreSQL.
const maybe = process.env.DATABASE_URL ? describe : describe.skip;

// Long because it is the spec's one fixture: the helpers that drive and watch the child process
// close over the node, the app and the funded custody it starts, and every test takes the lot.
/** A bcoin node, the signer app in this process (API, and the pipeline after the "restart"), custody funded on chain. */
async function world(deposits: bigint[], userFunds: bigint) {
  const node = await startBitcoinRegtest();
  const adapter = new BitcoinAdapter({
    network: 'regtest',
    rpcUrl: node.rpcUrl,
    rpcUser: node.rpcUser,
    rpcPassword: node.rpcPassword,
    feeRate: { default: 2, min: 1, max: 50 },
  });
  const t = await startWithdrawalTestApp('postgres', [adapter]);
  const wallet = t.wallets.get('bitcoin')!;
  const deposit = adapter.deriveDepositAddress(wallet, 'kill:alice');
  const change = adapter.changeAddress(wallet);
  const watch: WatchedAddress[] = [
    { address: deposit.address, script: deposit.locator, derivation: deposit.derivation, ref: 'alice' },
    { address: change.address, script: change.locator, derivation: change.derivation, ref: 'change' },
  ];
  adapter.watch(watch);
  const from = node.height() + 1;
  for (const d of deposits) await node.fund(deposit.address, d);
  await node.mine(1);
  await t.fund('crash', 'alice', 'BTC', userFunds);
  await t.call(t.keys.admin, 'PUT', '/v1/withdrawal-policies/BTC/crash', {
    approvalThreshold: '1000000000',
    approvalsRequired: 2,
    withdrawalFee: '100000',
  });
  let scanned = from - 1;
  const scan = async (again = 0) => {
    scanned -= again; // after a reorg: read the replaced heights again
    const tip = (await adapter.tip()).height;
    for (; scanned < tip; scanned++) await adapter.block(scanned + 1);
  };
  const request = async (key: string, amount: string, i: number) => {
    const res = await t.call(
      t.keys.backend,
      'POST',
      '/v1/withdrawals',
      { clientId: 'crash', userId: 'alice', asset: 'BTC', amount, destination: btcAddress(700 + i) },
      { 'Idempotency-Key': key },
    );
    const w = (await res.json()) as Withdrawal;
    if (!w.id) throw new Error(`refused: ${JSON.stringify(w)}`);
    return w.id;
  };
  const get = async (id: string) =>
    (await (await t.call(t.keys.backend, 'GET', `/v1/withdrawals/${id}`)).json()) as Withdrawal;
  const spawnChild = (confirmations: number, hangAt?: string) => {
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'tools/run.js'), path.join(ROOT, 'apps/withdrawal-signer/src/testing/btc-pipeline-child.ts')],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          DATABASE_URL: t.tdb.url,
          KMS_CONFIG: JSON.stringify({ ...t.kms.config, requestsPerSecond: 1000 }),
          BTC_RPC_URL: node.rpcUrl,
          BTC_RPC_USER: node.rpcUser,
          BTC_RPC_PASSWORD: node.rpcPassword,
          WATCH: JSON.stringify(watch),
          FROM_HEIGHT: String(from),
          LEASE_MS: String(LEASE),
          CONFIRMATIONS: String(confirmations),
          HANG_AT: hangAt ?? '',
          LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)));
    return { child, output: () => out, exited };
  };
  const until = async (what: string, check: () => Promise<boolean>, ms = 60_000) => {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const batchOf = async (id: string) => (await get(id)).batchId as string;
  const batchRow = async (id: string) =>
    (
      await t.tdb.db.query<{
        status: string;
        txid: string | null;
        unsigned_payload: string | null;
        signed_raw: string | null;
      }>(`SELECT status, txid, unsigned_payload, signed_raw FROM withdrawals.batches WHERE id = $1`, [id])
    )[0];
  const settledOnce = async (ids: string[]) => {
    for (const id of ids) {
      expect((await get(id)).status).toBe('settled');
      const rows = await t.tdb.db.query(
        `SELECT 1 FROM withdrawals.transitions WHERE withdrawal_id = $1 AND to_status = 'settled'`,
        [id],
      );
      expect(rows).toHaveLength(1);
      expect(await holdState(t, id)).toBe('posted');
    }
    expect((await t.ledger.checkInvariants()).ok).toBe(true);
  };
  return { node, adapter, t, scan, request, get, spawnChild, until, batchOf, batchRow, settledOnce };
}

maybe('a Bitcoin batch whose signer was SIGKILLed at signing [postgres]', () => {
  let w: Awaited<ReturnType<typeof world>>;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    w = await world([1n * BTC, 1n * BTC], 15n * 10_000_000n);
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await w?.t.close();
    await w?.node.stop();
  });

  it('keeps its input after the restart: the next batch takes another, the dead one is signed from its stored payload and both settle once', async () => {
    const first = await w.request('kill-1', '10000000', 1);
    const run = w.spawnChild(2, 'signer.after_prepare');
    child = run.child;
    await w.until('the child at signing', async () => /AT signer.after_prepare/.test(run.output()));
    child.kill('SIGKILL');
    expect(await run.exited).toBe('SIGKILL');
    const dead = await w.batchOf(first);
    expect((await w.batchRow(dead)).status).toBe('signing');
    const deadInputs = w.adapter.utxo.spentOutpoints((await w.batchRow(dead)).unsigned_payload as string);
    const owned = await w.t.tdb.db.query<{ outpoint: string }>(
      `SELECT outpoint FROM withdrawals.outpoint_reservations WHERE batch_id = $1`,
      [dead],
    );
    expect(owned.map((o) => o.outpoint).sort()).toEqual([...deadInputs].sort());

    // Restart: this process's pipeline, a fresh adapter memory, the dead lease run out.
    const second = await w.request('kill-2', '10000000', 2);
    await w.scan();
    w.t.clock.advance(LEASE + 1);
    const runner = w.t.runner([
      { chain: 'bitcoin', batchMaxSize: 50, batchMaxAgeMs: 0, leaseMs: LEASE, confirmations: 2 },
    ]);
    for (let i = 0; i < 6; i++) {
      await runner.tick();
      await w.node.mine(1);
      await w.scan();
    }
    const next = await w.batchOf(second);
    expect(next).not.toBe(dead);
    const nextInputs = w.adapter.utxo.spentOutpoints((await w.batchRow(next)).unsigned_payload as string);
    expect(nextInputs.filter((o) => deadInputs.includes(o))).toEqual([]);
    for (const b of [dead, next])
      await expect(w.adapter.status((await w.batchRow(b)).txid as string)).resolves.toMatchObject({
        state: 'confirmed',
      });
    await w.settledOnce([first, second]);
  });
});

maybe('a broadcast Bitcoin batch and its child lost from the node, their signer SIGKILLed [postgres]', () => {
  let w: Awaited<ReturnType<typeof world>>;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    w = await world([1n * BTC], 5n * 10_000_000n);
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await w?.t.close();
    await w?.node.stop();
  });

  it('re-sends parent then child from their stored bytes after the restart; both mined, settled once', async () => {
    const run = w.spawnChild(3);
    child = run.child;
    const a = await w.request('lost-1', '10000000', 11);
    await w.until('the parent broadcast', async () => (await w.get(a)).status === 'broadcast');
    await w.node.mine(1); // one confirmation: its change is spendable, the batch not final (3 needed)
    const b = await w.request('lost-2', '10000000', 12);
    await w.until('the child broadcast', async () => (await w.get(b)).status === 'broadcast');
    child.kill('SIGKILL');
    expect(await run.exited).toBe('SIGKILL');
    const parent = await w.batchRow(await w.batchOf(a));
    const kid = await w.batchRow(await w.batchOf(b));
    // The child spends the parent's change: a chain of two unconfirmed (after the reorg) transactions.
    expect(w.adapter.utxo.inputsOf(kid.signed_raw as string).map((i) => i.txid)).toContain(parent.txid);

    // Both are mined (parent 2 deep, child 1: not final at 3), then a reorg replaces those blocks
    // with empty ones and the node keeps neither transaction: the state a node that lost them from
    // its mempool leaves. (The harness has no mempool-drop control; bcoin cannot reorg a block out
    // from under a mempool child of it, so the child is mined first.)
    await w.node.mine(1);
    await w.node.reorg(2, { extra: 1 });
    const mempool = await w.node.rpc<string[]>('getrawmempool');
    expect(mempool).not.toContain(parent.txid);
    expect(mempool).not.toContain(kid.txid);
    await expect(w.adapter.status(parent.txid as string)).resolves.toEqual({ state: 'unknown' });
    await expect(w.adapter.status(kid.txid as string)).resolves.toEqual({ state: 'unknown' });

    // Restart: this process's pipeline, after the re-send delay.
    await w.scan();
    w.t.clock.advance(LEASE + 1);
    const runner = w.t.runner([
      {
        chain: 'bitcoin',
        batchMaxSize: 50,
        batchMaxAgeMs: 0,
        leaseMs: LEASE,
        confirmations: 3,
        rebroadcastAfterMs: 1_000,
      },
    ]);
    await runner.tick();
    const again = await w.node.rpc<string[]>('getrawmempool');
    expect(again).toEqual(expect.arrayContaining([parent.txid, kid.txid]));
    for (let i = 0; i < 6; i++) {
      await w.node.mine(1);
      await w.scan();
      await runner.tick();
    }
    for (const tx of [parent.txid, kid.txid])
      await expect(w.adapter.status(tx as string)).resolves.toMatchObject({ state: 'confirmed' });
    const [resent] = await w.t.tdb.db.query<{ n: string }>(`SELECT sum(resends)::text AS n FROM withdrawals.batches`);
    expect(Number(resent.n)).toBe(2);
    await w.settledOnce([a, b]);
  });
});
