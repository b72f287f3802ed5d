import { IntentMismatchError } from '@strongroom/chains-core';
import type { DepositAddresses, DepositFollower } from '@strongroom/deposits';
import { testBackends } from '@strongroom/testing';
import type { ChainPipelineOptions, FaultHook, FaultPoint, PipelineRunner, Withdrawal } from '@strongroom/withdrawals';
import { ETH, ethAddress, pipelineOf } from './testing/fixtures';
import { followEthereumDeposits } from './testing/ethereum-deposit-follower';
import { houseNets } from './testing/house-balances';
import { startTokenCustodyApp, type TokenCustodyApp } from './testing/ethereum-token-custody';

const CHAINS: ChainPipelineOptions[] = [pipelineOf('ethereum')];
const SWEEP: ChainPipelineOptions = { ...CHAINS[0], sweep: { thresholds: { ETH: ETH / 100n }, intervalMs: 0 } };

type FillRow = {
  nonce: string;
  relayer: string;
  status: string;
  batch_id: string | null;
  sweep_id: string | null;
  txid: string;
  fee: string | null;
  broadcasts: number;
};

// A relayer nonce reserved in the database for a batch or a sweep that is then refused at the
// sign step (its stored payload fails the intent check) is never used by its owner: without a
// fill, every later relayer transaction waits behind it in the mempool forever. Anvil with a real
// Safe and kms-local keys (owners and relayer), the pipeline run as in production.
describe.each(testBackends())('reserved relayer nonces whose transaction is never sent are filled [%s]', (backend) => {
  let app: TokenCustodyApp;
  let addresses: DepositAddresses;
  let follower: DepositFollower;
  const client = 'fills';

  beforeAll(async () => {
    app = await startTokenCustodyApp(backend, []);
    ({ addresses, follower } = await followEthereumDeposits(app, client));
  });
  afterAll(async () => {
    await app?.close();
  });

  const relayerNonce = (at: 'latest' | 'pending' = 'latest') =>
    app.anvil.rpc<string>('eth_getTransactionCount', [app.custody.relayer.address, at]).then(Number);
  const fills = (nonce?: number) =>
    app.t.tdb.db.query<FillRow>(
      `SELECT nonce::text, relayer, status, batch_id, sweep_id, txid, fee::text, broadcasts FROM withdrawals.nonce_fills WHERE $1::bigint IS NULL OR nonce = $1 ORDER BY nonce`,
      [nonce ?? null],
    );
  const statusOf = async (id: string) =>
    ((await (await app.t.call(app.t.keys.backend, 'GET', `/v1/withdrawals/${id}`)).json()) as Withdrawal).status;
  const gasOf = async (txid: string) => {
    const r = await app.anvil.rpc<{ gasUsed: string; effectiveGasPrice: string }>('eth_getTransactionReceipt', [txid]);
    return BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice);
  };
  const withdraw = async (user: string, amount: string, destination: string, key: string) => {
    const res = await app.t.call(
      app.t.keys.backend,
      'POST',
      '/v1/withdrawals',
      { clientId: client, userId: user, asset: 'ETH', amount, destination },
      { 'Idempotency-Key': key },
    );
    const w = (await res.json()) as Withdrawal;
    expect(w.status).toBe('approved');
    return w;
  };
  const nonceOfBatch = async (batchId: string) => {
    const [n] = await app.t.tdb.db.query<{ nonce: string }>(
      `SELECT nonce::text FROM withdrawals.nonces WHERE batch_id = $1`,
      [batchId],
    );
    return Number(n.nonce);
  };

  /**
   * A withdrawal whose batch is prepared (relayer nonce reserved), then its stored Safe transaction
   * swapped for one paying an attacker: the sign step refuses it before any KMS call and fails it.
   */
  const refusedWithdrawal = async (runner: PipelineRunner, user: string, key: string) => {
    const { t, custody } = app;
    const userAccount = await app.deposit(client, user, 'ETH', 3n * ETH);
    const w = await withdraw(user, '1000000000000000000', ethAddress(60), key);
    const [worker] = runner.workers;
    await worker.batcher.runOnce();
    const batchId = (await worker.signer.prepare()) as string;
    const [b] = await t.tdb.db.query<{ fee_policy: Record<string, string> }>(
      `SELECT fee_policy FROM withdrawals.batches WHERE id = $1`,
      [batchId],
    );
    const wallet = await t.deps.wallets.walletFor('ethereum', client);
    const evil = await custody.adapter.buildWithdrawal({
      id: batchId,
      wallet,
      outputs: [{ ref: w.id, address: ethAddress(66), asset: 'ETH', amount: ETH }],
      fee: b.fee_policy,
    });
    await t.tdb.db.query(`UPDATE withdrawals.batches SET unsigned_payload = $2, digests = $3::jsonb WHERE id = $1`, [
      batchId,
      evil.payload,
      JSON.stringify(evil.digests),
    ]);
    const signatures = t.signer.signatures;
    await expect(worker.signer.runOnce()).rejects.toBeInstanceOf(IntentMismatchError);
    expect(t.signer.signatures).toBe(signatures);
    expect(await statusOf(w.id)).toBe('failed');
    const [failed] = await t.tdb.db.query<{ status: string; signed_raw: string | null }>(
      `SELECT status, signed_raw FROM withdrawals.batches WHERE id = $1`,
      [batchId],
    );
    expect(failed).toEqual({ status: 'failed', signed_raw: null });
    // The hold is voided: the user can spend all of it again.
    const bal = await t.ledger.balances(userAccount);
    expect(bal.debitsPending).toBe(0n);
    expect(bal.creditsPosted - bal.debitsPosted).toBe(3n * ETH);
    return { w, batchId, nonce: await nonceOfBatch(batchId) };
  };

  /**
   * Takes a withdrawal to `broadcast` with every worker but the nonce filler and mines: it stays
   * in the mempool behind the hole (what happened before there was a filler). Returns its nonce.
   */
  const stuckBehindHole = async (runner: PipelineRunner, w: Withdrawal, hole: number) => {
    const [worker] = runner.workers;
    await worker.batcher.runOnce();
    await worker.signer.runOnce();
    await worker.broadcaster.runOnce();
    await app.anvil.mine(3);
    await worker.confirmer.runOnce();
    expect(await statusOf(w.id)).toBe('broadcast');
    expect(await relayerNonce()).toBe(hole);
    const [b] = await app.t.tdb.db.query<{ id: string; txid: string }>(
      `SELECT b.id, b.txid FROM withdrawals.batches b JOIN withdrawals.withdrawals w ON w.batch_id = b.id WHERE w.id = $1`,
      [w.id],
    );
    expect(await app.anvil.rpc('eth_getTransactionReceipt', [b.txid])).toBeNull();
    return nonceOfBatch(b.id);
  };

  /** The fill of `nonce` is mined and settled, its gas booked once; the later withdrawal settled. */
  const filledAndSettled = async (
    nonce: number,
    owner: { batchId?: string; sweepId?: string },
    later: Withdrawal,
    paidTo: string,
    amount: bigint,
  ) => {
    const { t, anvil } = app;
    expect(await statusOf(later.id)).toBe('settled');
    expect(await anvil.balance(paidTo)).toBe(amount);
    const [fill] = await fills(nonce);
    expect(fill).toMatchObject({ status: 'settled', batch_id: owner.batchId ?? null, sweep_id: owner.sweepId ?? null });
    const mined = await anvil.rpc<{ nonce: string; to: string; value: string; input: string; from: string }>(
      'eth_getTransactionByHash',
      [fill.txid],
    );
    expect([
      Number(mined.nonce),
      mined.to.toLowerCase(),
      BigInt(mined.value),
      mined.input,
      mined.from.toLowerCase(),
    ]).toEqual([nonce, fill.relayer, 0n, '0x', fill.relayer]);
    expect(BigInt(fill.fee as string)).toBe(await gasOf(fill.txid));
    const legs = await t.tdb.db.query<{ id: string; amount: string }>(
      `SELECT id, amount::text FROM ledger.transfers WHERE id LIKE 'nonce-fill:%' AND id LIKE $1`,
      [`%:${nonce}:gas`],
    );
    expect(legs).toEqual([{ id: `nonce-fill:ethereum:${fill.relayer}:${nonce}:gas`, amount: fill.fee }]);
    const audited = await t.tdb.db.query<{ action: string }>(
      `SELECT action FROM audit.entries WHERE subject_type = 'relayer_nonce' AND subject_id = $1 ORDER BY id`,
      [`ethereum:${fill.relayer}:${nonce}`],
    );
    expect(audited.map((a) => a.action)).toEqual(['nonce_fill.signed', 'nonce_fill.settled']);
    expect((await t.ledger.checkInvariants()).ok).toBe(true);
  };

  it('a batch refused at the sign step gets its nonce filled, and a later withdrawal is mined and settles', async () => {
    const { t, anvil } = app;
    const runner = t.runner(CHAINS);
    const { batchId, nonce } = await refusedWithdrawal(runner, 'alice', 'refused-batch');
    const later = await withdraw('alice', '500000000000000000', ethAddress(61), 'after-refused-batch');
    expect(await stuckBehindHole(runner, later, nonce)).toBe(nonce + 1);
    const expenseBefore = (await houseNets(t.tdb.db, 'ETH'))('fee_expense').posted;

    await runner.tick(); // the fill is signed, stored and sent; the later batch is mined behind it
    await anvil.mine(2);
    await runner.tick();
    expect(await relayerNonce()).toBe(nonce + 2);
    await filledAndSettled(nonce, { batchId }, later, ethAddress(61), ETH / 2n);
    expect(await anvil.balance(ethAddress(60))).toBe(0n);
    expect(await anvil.balance(ethAddress(66))).toBe(0n);
    // The fill's gas is an expense of the wallet, paid from the relayer's gas budget, like the batch's.
    const [fill] = await fills(nonce);
    const [paid] = await t.tdb.db.query<{ network_fee: string }>(
      `SELECT network_fee::text FROM withdrawals.batches WHERE id = (SELECT batch_id FROM withdrawals.withdrawals WHERE id = $1)`,
      [later.id],
    );
    expect((await houseNets(t.tdb.db, 'ETH'))('fee_expense').posted - expenseBefore).toBe(
      BigInt(fill.fee as string) + BigInt(paid.network_fee),
    );

    // Nothing more to fill: another round signs nothing and stores no second fill.
    const signatures = t.signer.signatures;
    await runner.tick();
    expect(t.signer.signatures).toBe(signatures);
    expect(await fills()).toHaveLength(1);
  });

  it('a sweep refused at the sign step is failed, its nonce filled, and a later withdrawal and sweep go through', async () => {
    const { t, anvil, custody } = app;
    const bob = (await addresses.issue({ clientId: client, userId: 'bob', asset: 'ETH' })).address.address;
    await anvil.sendEth(bob, ETH);
    await anvil.mine(2);
    await follower.syncToTip();
    const runner = t.runner([SWEEP]);
    const sweeper = runner.workers[0].sweeper!;
    await sweeper.planner.ingest();
    const [sweepId] = await sweeper.planner.plan(true);
    const [row] = await t.tdb.db.query<{ nonce: string; wallet: { relayerPublicKey: string } }>(
      `SELECT nonce::text, wallet FROM withdrawals.sweeps WHERE id = $1`,
      [sweepId],
    );
    const nonce = Number(row.nonce);
    // Same nonce, same deposit address, but into an attacker's "Safe".
    const wallet = await t.deps.wallets.walletFor('ethereum', client);
    const [{ tag }] = await t.tdb.db.query<{ tag: string }>(`SELECT tag FROM deposits.addresses WHERE address = $1`, [
      bob,
    ]);
    const evil = await custody.adapter.buildSweep({ ...wallet, safeAddress: ethAddress(66) }, [tag], [], {
      relayerPublicKey: row.wallet.relayerPublicKey,
      nonce,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 10n ** 9n,
      gasLimit: 200_000n,
    });
    await t.tdb.db.query(`UPDATE withdrawals.sweeps SET unsigned_payload = $2, digests = $3::jsonb WHERE id = $1`, [
      sweepId,
      evil.payload,
      JSON.stringify(evil.digests),
    ]);
    const signatures = t.signer.signatures;
    await expect(sweeper.signer.sign()).rejects.toBeInstanceOf(IntentMismatchError);
    expect(t.signer.signatures).toBe(signatures);
    const [failed] = await t.tdb.db.query<{ status: string; failure: string; signed_raw: string | null }>(
      `SELECT status, failure, signed_raw FROM withdrawals.sweeps WHERE id = $1`,
      [sweepId],
    );
    expect(failed.status).toBe('failed');
    expect(failed.failure).toMatch(/Safe/);
    expect(failed.signed_raw).toBeNull();
    const refused = await t.tdb.db.query<{ payload: { nonce: string; rule: string } }>(
      `SELECT payload FROM audit.entries WHERE action = 'sweep.refused' AND subject_id = $1`,
      [sweepId],
    );
    expect(refused.map((r) => [r.payload.nonce, r.payload.rule])).toEqual([[String(nonce), 'intent_mismatch']]);
    // Its address stays a candidate, and the wallet's one open-sweep slot is free again.
    expect((await t.tdb.db.query(`SELECT 1 FROM withdrawals.sweep_candidates WHERE address = $1`, [bob])).length).toBe(
      1,
    );
    expect(
      (await t.tdb.db.query(`SELECT 1 FROM withdrawals.sweeps WHERE status IN ('signing', 'signed', 'broadcast')`))
        .length,
    ).toBe(0);

    await app.deposit(client, 'carol', 'ETH', 2n * ETH);
    const later = await withdraw('carol', '250000000000000000', ethAddress(62), 'after-refused-sweep');
    expect(await stuckBehindHole(runner, later, nonce)).toBe(nonce + 1);

    await runner.tick(); // fill sent, the later batch mined behind it, bob's address planned again and swept
    await anvil.mine(2);
    await runner.tick();
    await filledAndSettled(nonce, { sweepId }, later, ethAddress(62), ETH / 4n);
    const swept = await t.tdb.db.query<{ id: string; status: string; nonce: string }>(
      `SELECT id, status, nonce::text FROM withdrawals.sweeps WHERE id <> $1`,
      [sweepId],
    );
    expect(swept).toEqual([{ id: expect.any(String), status: 'settled', nonce: String(nonce + 2) }]);
    expect(await anvil.balance(bob)).toBe(0n);
    expect(await relayerNonce()).toBe(nonce + 3);
  });

  it('a crash after signing a fill, or after sending it, ends with exactly one fill for the nonce', async () => {
    const { t, anvil } = app;
    const runner = t.runner(CHAINS);
    const { batchId, nonce } = await refusedWithdrawal(runner, 'dave', 'refused-before-crash');
    const later = await withdraw('dave', '750000000000000000', ethAddress(63), 'after-crash');
    const crashAt =
      (point: FaultPoint): FaultHook =>
      async (p) => {
        if (p === point) throw new Error(`crash at ${p}`);
      };

    // Signed by KMS, then dead before it was stored: nothing stored, nothing sent.
    const signatures = t.signer.signatures;
    await expect(t.runner(CHAINS, crashAt('nonce_filler.after_sign')).tick()).rejects.toThrow(
      'crash at nonce_filler.after_sign',
    );
    expect(t.signer.signatures).toBeGreaterThan(signatures);
    expect(await fills(nonce)).toEqual([]);
    expect(await relayerNonce('latest')).toBe(nonce);
    expect(await statusOf(later.id)).toBe('broadcast');

    // A new process signs a new fill, stores it, sends it and dies before recording the send.
    await expect(t.runner(CHAINS, crashAt('nonce_filler.after_broadcast')).tick()).rejects.toThrow(
      'crash at nonce_filler.after_broadcast',
    );
    const [stored] = await fills(nonce);
    expect(stored).toMatchObject({ status: 'signed', batch_id: batchId, broadcasts: 0 });

    // The next one re-sends the stored bytes (the node knows them) and follows them to the end.
    await runner.tick();
    await anvil.mine(2);
    await runner.tick();
    expect(await fills(nonce)).toEqual([expect.objectContaining({ txid: stored.txid, status: 'settled' })]);
    expect(await relayerNonce()).toBe(nonce + 2);
    await filledAndSettled(nonce, { batchId }, later, ethAddress(63), (3n * ETH) / 4n);
  });
});
