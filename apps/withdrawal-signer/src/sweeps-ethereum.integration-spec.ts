import { Transaction } from 'ethers';
import { IntentMismatchError } from '@strongroom/chains-core';
import type { DepositAddresses, DepositFollower } from '@strongroom/deposits';
import { testBackends } from '@strongroom/testing';
import { sweepEvents, type ChainPipelineOptions, type FaultHook, type Withdrawal } from '@strongroom/withdrawals';
import { ETH, ethAddress, USD } from './testing/fixtures';
import { followEthereumDeposits } from './testing/ethereum-deposit-follower';
import { houseNets } from './testing/house-balances';
import { startTokenCustodyApp, type TokenCustodyApp } from './testing/ethereum-token-custody';
import { expectFeeBump } from './testing/fee-bump';

const THRESHOLDS = { ETH: ETH / 100n, USDC: 100n * USD };
const SWEEP: ChainPipelineOptions = {
  chain: 'ethereum',
  batchMaxSize: 10,
  batchMaxAgeMs: 0,
  leaseMs: 30_000,
  confirmations: 2,
  sweep: { thresholds: THRESHOLDS, intervalMs: 0 },
};

type SweepRow = {
  id: string;
  status: string;
  txid: string;
  fee: string | null;
  nonce: string;
  addresses: string[];
  swept: { address: string; asset: string; amount: string }[] | null;
  last_error: string | null;
};

// Deposits recorded by the real deposit follower on anvil, swept by the withdrawal signer's
// sweeper into the wallet's Safe through the sweeper factory, the relayer transaction signed by
// its kms-local key at a nonce reserved in the database; the gas lands in the ledger.
describe.each(testBackends())('sweeping Ethereum deposit addresses into the Safe [%s]', (backend) => {
  let app: TokenCustodyApp;
  let addresses: DepositAddresses;
  let follower: DepositFollower;
  const client = 'sweeps';

  beforeAll(async () => {
    app = await startTokenCustodyApp(backend, [{ asset: 'USDC', decimals: 6 }]);
    await app.anvil.mintToken(app.tokens.USDC, app.anvil.accounts[0], 1_000_000n * USD);
    ({ addresses, follower } = await followEthereumDeposits(app, client));
  });
  afterAll(async () => {
    await app?.close();
  });

  const addressOf = async (user: string, asset: string) =>
    (await addresses.issue({ clientId: client, userId: user, asset })).address.address;
  /** Mines until every deposit so far is credited (confirmations 2). */
  const credit = async () => {
    await app.anvil.mine(2);
    await follower.syncToTip();
  };
  const sweeps = () =>
    app.t.tdb.db.query<SweepRow>(
      `SELECT id, status, txid, fee::text, nonce::text, addresses, swept, last_error FROM withdrawals.sweeps ORDER BY seq`,
    );
  const gasOf = async (txid: string) => {
    const r = await app.anvil.rpc<{ gasUsed: string; effectiveGasPrice: string }>('eth_getTransactionReceipt', [txid]);
    return BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice);
  };
  /** Ledger custody of an asset against what the Safe and every deposit address hold on chain. */
  const custodyMatchesChain = async (asset: 'ETH' | 'USDC') => {
    const { t, custody, anvil } = app;
    const held = async (a: string) => (asset === 'ETH' ? anvil.balance(a) : anvil.tokenBalance(app.tokens.USDC, a));
    const rows = await t.tdb.db.query<{ address: string }>(
      `SELECT address FROM deposits.addresses WHERE chain = 'ethereum'`,
    );
    let onChain = await held(custody.safe);
    for (const r of rows) onChain += await held(r.address);
    return { ledger: (await houseNets(t.tdb.db, asset))('custody').posted, onChain };
  };

  it('sweeps due addresses (ETH and USDC) on schedule, leaves small ones, books the gas and keeps custody equal to the chain', async () => {
    const { t, anvil, custody } = app;
    const alice = await addressOf('alice', 'ETH');
    const bob = await addressOf('bob', 'USDC');
    const carol = await addressOf('carol', 'ETH');
    await anvil.sendEth(alice, 2n * ETH);
    await anvil.transferToken(app.tokens.USDC, bob, 500n * USD);
    await anvil.sendEth(carol, ETH / 1000n); // below the ETH threshold
    await credit();
    const safeEth = await anvil.balance(custody.safe);
    const relayerNonce = Number(
      await anvil.rpc<string>('eth_getTransactionCount', [custody.relayer.address, 'pending']),
    );

    const runner = t.runner([SWEEP]);
    await runner.tick();
    const [s] = await sweeps();
    expect(s.status).toBe('broadcast');
    expect([...s.addresses].sort()).toEqual([alice, bob].sort());
    // The nonce came from the database reservation, owned by the sweep.
    expect(Number(s.nonce)).toBe(relayerNonce);
    const [n] = await t.tdb.db.query<{ sweep_id: string; batch_id: string | null }>(
      `SELECT sweep_id, batch_id FROM withdrawals.nonces WHERE nonce = $1`,
      [s.nonce],
    );
    expect(n).toEqual({ sweep_id: s.id, batch_id: null });

    await anvil.mine(1);
    await runner.tick();
    const [done] = await sweeps();
    expect(done.status).toBe('settled');
    expect(BigInt(done.fee as string)).toBe(await gasOf(done.txid));
    expect(done.swept?.map((x) => `${x.address} ${x.asset} ${x.amount}`).sort()).toEqual(
      [`${alice} ETH ${2n * ETH}`, `${bob} USDC ${500n * USD}`].sort(),
    );
    expect(await anvil.balance(custody.safe)).toBe(safeEth + 2n * ETH);
    expect(await anvil.tokenBalance(app.tokens.USDC, custody.safe)).toBe(500n * USD);
    expect(await anvil.balance(alice)).toBe(0n);
    expect(await anvil.balance(carol)).toBe(ETH / 1000n);

    // Custody did not move (value only went from deposit addresses to the Safe); the gas is an
    // expense paid from the relayer's budget.
    const eth = await houseNets(t.tdb.db, 'ETH');
    expect(eth('fee_expense').posted).toBe(BigInt(done.fee as string));
    expect(eth('equity', 'relayer-gas:').posted).toBe(-BigInt(done.fee as string));
    for (const asset of ['ETH', 'USDC'] as const) {
      const c = await custodyMatchesChain(asset);
      expect(c.onChain).toBe(c.ledger);
    }
    expect((await t.ledger.checkInvariants()).ok).toBe(true);

    // Operators and auditors see it over the API, amounts in base units (display in asset units); the exchange backend does not.
    const listed = (await (await t.call(t.keys.auditor, 'GET', '/v1/sweeps?chain=ethereum&status=settled')).json()) as {
      data: {
        id: string;
        fee: string;
        feeAsset: string;
        swept: { asset: string; amount: string; display: { amount: string } }[];
      }[];
    };
    expect(listed.data.map((i) => i.id)).toEqual([done.id]);
    expect(listed.data[0].feeAsset).toBe('ETH');
    expect(listed.data[0].fee).toBe(done.fee);
    expect(listed.data[0].swept.map((x) => `${x.asset} ${x.amount} ${x.display.amount}`).sort()).toEqual([
      'ETH 2000000000000000000 2 ETH',
      'USDC 500000000 500 USDC',
    ]);
    expect((await t.call(t.keys.backend, 'GET', '/v1/sweeps')).status).toBe(403);
    const missing = await t.call(t.keys.admin, 'GET', '/v1/sweeps/sweep_nope');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('sweep.not_found');
    expect((await t.call(t.keys.admin, 'GET', '/v1/sweeps?status=lost')).status).toBe(400);

    // Nothing else is due: another round plans nothing, the small address stays a candidate.
    await runner.tick();
    expect(await sweeps()).toHaveLength(1);
    const left = await t.tdb.db.query<{ address: string }>(`SELECT address FROM withdrawals.sweep_candidates`);
    expect(left.map((l) => l.address)).toEqual([carol]);

    // A withdrawal after the sweep takes the next relayer nonce and pays from the swept ETH.
    const res = await t.call(
      t.keys.backend,
      'POST',
      '/v1/withdrawals',
      { clientId: client, userId: 'alice', asset: 'ETH', amount: '500000000000000000', destination: ethAddress(91) },
      { 'Idempotency-Key': 'sweep-then-pay' },
    );
    const w = (await res.json()) as Withdrawal;
    await runner.tick();
    const [b] = await t.tdb.db.query<{ nonce: string }>(
      `SELECT nonce::text FROM withdrawals.batches WHERE id = (SELECT batch_id FROM withdrawals.withdrawals WHERE id = $1)`,
      [w.id],
    );
    expect(Number(b.nonce)).toBe(Number(done.nonce) + 1);
    await anvil.mine(2);
    await runner.tick();
    expect(((await (await t.call(t.keys.backend, 'GET', `/v1/withdrawals/${w.id}`)).json()) as Withdrawal).status).toBe(
      'settled',
    );
    const c = await custodyMatchesChain('ETH');
    expect(c.onChain).toBe(c.ledger);
  });

  it('a crash after signing or after broadcasting still sends exactly one sweep transaction', async () => {
    const { t, anvil, custody } = app;
    const dave = await addressOf('dave', 'ETH');
    await anvil.sendEth(dave, ETH);
    await credit();
    const before = Number(await anvil.rpc<string>('eth_getTransactionCount', [custody.relayer.address, 'latest']));
    const crashAt =
      (point: string): FaultHook =>
      async (p) => {
        if (p === point) throw new Error(`crash at ${p}`);
      };
    await expect(t.runner([SWEEP], crashAt('sweeper.after_sign')).tick()).rejects.toThrow(
      'crash at sweeper.after_sign',
    );
    const [, crashed] = await sweeps();
    expect(crashed.status).toBe('signing');
    await expect(t.runner([SWEEP], crashAt('sweeper.after_broadcast')).tick()).rejects.toThrow(
      'crash at sweeper.after_broadcast',
    );
    expect((await sweeps())[1].status).toBe('signed');
    // The next process waits out the dead one's lease, then sends the same stored bytes again.
    t.clock.advance(30_001);
    const runner = t.runner([SWEEP]);
    await runner.tick();
    await anvil.mine(2);
    await runner.tick();
    const [, s] = await sweeps();
    expect(s.status).toBe('settled');
    expect(Number(await anvil.rpc<string>('eth_getTransactionCount', [custody.relayer.address, 'latest']))).toBe(
      before + 1,
    );
    expect(await anvil.balance(dave)).toBe(0n);
    const gasLegs = await t.tdb.db.query(`SELECT id FROM ledger.transfers WHERE id LIKE $1`, [`sweep:${s.id}:%`]);
    expect(gasLegs).toHaveLength(1);
  });

  it('refuses a tampered stored sweep before any digest goes to KMS', async () => {
    const { t, anvil, custody } = app;
    const erin = await addressOf('erin', 'ETH');
    await anvil.sendEth(erin, ETH);
    await credit();
    const planner = t.runner([SWEEP]).workers[0].sweeper!.planner;
    await planner.ingest();
    const [id] = await planner.plan(true);
    const [row] = await t.tdb.db.query<{ nonce: string; wallet: { relayerPublicKey: string } }>(
      `SELECT nonce::text, wallet FROM withdrawals.sweeps WHERE id = $1`,
      [id],
    );
    // Same nonce, same deposit address tag, but into an attacker's "Safe".
    const wallet = await t.deps.wallets.walletFor('ethereum', client);
    const [tag] = (
      await t.tdb.db.query<{ tag: string }>(`SELECT tag FROM deposits.addresses WHERE address = $1`, [erin])
    ).map((r) => r.tag);
    const evil = await custody.adapter.buildSweep({ ...wallet, safeAddress: ethAddress(66) }, [tag], [], {
      relayerPublicKey: row.wallet.relayerPublicKey,
      nonce: Number(row.nonce),
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 10n ** 9n,
      gasLimit: 200_000n,
    });
    await t.tdb.db.query(`UPDATE withdrawals.sweeps SET unsigned_payload = $2, digests = $3::jsonb WHERE id = $1`, [
      id,
      evil.payload,
      JSON.stringify(evil.digests),
    ]);
    const signatures = t.signer.signatures;
    const sweeper = t.runner([SWEEP]).workers[0].sweeper!;
    await expect(sweeper.signer.sign()).rejects.toBeInstanceOf(IntentMismatchError);
    expect(t.signer.signatures).toBe(signatures);
    // Failed, not left in `signing`: its nonce goes to the nonce filler (nonce-fill-ethereum.integration-spec.ts).
    const [after] = await t.tdb.db.query<{ status: string; failure: string }>(
      `SELECT status, failure FROM withdrawals.sweeps WHERE id = $1`,
      [id],
    );
    expect(after.status).toBe('failed');
    expect(after.failure).toMatch(/Safe/);
    // Take the refused sweep and its nonce back so the rest of the suite reuses that nonce (no fill's gas in its figures).
    await t.tdb.db.query(`DELETE FROM withdrawals.nonces WHERE sweep_id = $1`, [id]);
    await t.tdb.db.query(`DELETE FROM withdrawals.sweeps WHERE id = $1`, [id]);
  });

  it('a sweep that reverts on chain books its gas, moves nothing, and its addresses wait before the next try', async () => {
    const { t, anvil } = app;
    const frank = await addressOf('frank', 'USDC');
    await anvil.transferToken(app.tokens.USDC, frank, 200n * USD);
    await credit();
    const code = await anvil.rpc<string>('eth_getCode', [app.tokens.USDC, 'latest']);
    // Planned and signed against a working token; by the time it is mined the token's code
    // throws (INVALID), so the sweeper's transfer and the whole sweep revert.
    const breakToken: FaultHook = async (p) => {
      if (p === 'sweeper.after_sign') await anvil.rpc('anvil_setCode', [app.tokens.USDC, '0xfe']);
    };
    const eth = async () => (await houseNets(t.tdb.db, 'ETH'))('fee_expense').posted;
    const expenseBefore = await eth();
    const reverted = async () =>
      (await sweepEvents.get()).values.find((v) => v.labels.chain === 'ethereum' && v.labels.outcome === 'reverted')
        ?.value ?? 0;
    const revertedBefore = await reverted();
    const runner = t.runner([SWEEP], breakToken);
    try {
      await runner.tick(); // planned, signed, sent and mined (anvil automines): reverted
    } finally {
      await anvil.rpc('anvil_setCode', [app.tokens.USDC, code]);
    }
    await anvil.mine(2);
    await runner.tick();
    const failed = (await sweeps()).at(-1) as SweepRow;
    expect(failed.status).toBe('failed');
    expect(failed.swept).toEqual([]);
    expect((await reverted()) - revertedBefore).toBe(1);
    expect(await anvil.tokenBalance(app.tokens.USDC, frank)).toBe(200n * USD);
    expect((await eth()) - expenseBefore).toBe(await gasOf(failed.txid));
    const c = await custodyMatchesChain('USDC');
    expect(c.onChain).toBe(c.ledger);
    // Within the back-off nothing is planned for that address; after it, the sweep goes through.
    const plain = t.runner([SWEEP]);
    await plain.tick();
    expect((await sweeps()).at(-1)?.id).toBe(failed.id);
    t.clock.advance(3_600_001);
    await plain.tick();
    await anvil.mine(2);
    await plain.tick();
    const retried = (await sweeps()).at(-1) as SweepRow;
    expect(retried.id).not.toBe(failed.id);
    expect(retried.status).toBe('settled');
    expect(await anvil.tokenBalance(app.tokens.USDC, frank)).toBe(0n);
    expect((await t.ledger.checkInvariants()).ok).toBe(true);
  });
  it('replaces a sweep stuck in the mempool with higher fees at the same nonce, and settles whichever is mined', async () => {
    const { t, anvil } = app;
    const gina = await addressOf('gina', 'ETH');
    await anvil.sendEth(gina, ETH);
    await credit();
    const runner = t.runner([{ ...SWEEP, bumpAfterMs: 60_000 }]);
    await anvil.setAutomine(false);
    let first: SweepRow;
    try {
      await runner.tick();
      first = (await sweeps()).at(-1) as SweepRow;
      expect(first.status).toBe('broadcast');
      const before = Transaction.from(await anvil.rpc<string>('eth_getRawTransactionByHash', [first.txid]));
      t.clock.advance(60_001);
      await runner.tick();
      const [row] = await t.tdb.db.query<{ txid: string; previous_txids: string[]; attempt: number }>(
        `SELECT txid, previous_txids, attempt FROM withdrawals.sweeps WHERE id = $1`,
        [first.id],
      );
      expect(row.attempt).toBe(1);
      expect(row.previous_txids).toEqual([first.txid]);
      await expectFeeBump(anvil, before, row.txid);
      await anvil.mine(3);
    } finally {
      await anvil.setAutomine(true);
    }
    await runner.tick();
    const done = (await sweeps()).at(-1) as SweepRow;
    expect(done.id).toBe(first.id);
    expect(done.status).toBe('settled');
    expect(BigInt(done.fee as string)).toBe(await gasOf(done.txid));
    expect(await anvil.balance(gina)).toBe(0n);
    expect((await t.ledger.checkInvariants()).ok).toBe(true);
  });
});
