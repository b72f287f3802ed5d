import {
  decodeSafeTxOutputs,
  EthereumAdapter,
  EXECUTION_SUCCESS_TOPIC,
  SAFE_ABI,
  SAFE_V141,
  type SafeTx,
} from '@strongroom/chains-ethereum';
import { testBackends } from '@strongroom/testing';
import type { ChainPipelineOptions, Withdrawal } from '@strongroom/withdrawals';
import { getAddress } from 'ethers';
import { startTokenCustodyApp, type TokenCustodyApp } from './testing/ethereum-token-custody';
import { ETH, ethAddress, pipelineOf, stateCounts, USD } from './testing/fixtures';
import { houseNets } from './testing/house-balances';
import { problemOf } from './testing/withdrawal-test-app';
import { getWithdrawal, postWithdrawal, userBalance } from './testing/withdrawal-calls';

const CHAINS: ChainPipelineOptions[] = [pipelineOf('ethereum')];

interface BatchRow {
  id: string;
  status: string;
  txid: string;
  network_fee: string;
  last_error: string | null;
}

// ERC-20 withdrawals through the whole pipeline on anvil: a Safe v1.4.1 whose 2-of-3 owners and
// relayer are kms-local keys, USDC (a token that reverts on failure) and BAD (one that returns
// false instead). Ledger custody is booked as what the Safe receives, so after every batch it
// must still equal what the Safe holds on chain.
describe.each(testBackends())('ERC-20 withdrawals end to end on anvil [%s]', (backend) => {
  let c: TokenCustodyApp;
  let seq = 0;

  beforeAll(async () => {
    c = await startTokenCustodyApp(backend, [
      { asset: 'USDC', decimals: 6 },
      { asset: 'BAD', decimals: 6, returnsFalse: true },
    ]);
  });
  afterAll(async () => {
    await c?.close();
  });

  const request = (userId: string, asset: string, amount: string, destination: string) =>
    postWithdrawal(c.t, { clientId: 'erc20', userId, asset, amount, destination }, `erc20-${backend}-${++seq}`);
  const withdrawal = (id: string) => getWithdrawal(c.t, id);
  async function batch(id: string): Promise<BatchRow> {
    const [b] = await c.t.tdb.db.query<BatchRow>(
      `SELECT id, status, txid, network_fee::text, last_error FROM withdrawals.batches WHERE id = $1`,
      [id],
    );
    return b;
  }
  const balanceOf = (accountId: string) => userBalance(c.t, accountId);
  async function gasPaid(txid: string): Promise<bigint> {
    const r = await c.anvil.rpc<{ gasUsed: string; effectiveGasPrice: string }>('eth_getTransactionReceipt', [txid]);
    return BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice);
  }
  /** Ledger custody of each asset equals what the Safe holds on chain. */
  async function expectCustodyMirrorsSafe(): Promise<void> {
    const eth = await houseNets(c.t.tdb.db, 'ETH');
    const usdc = await houseNets(c.t.tdb.db, 'USDC');
    const bad = await houseNets(c.t.tdb.db, 'BAD');
    expect({ ETH: eth('custody').posted, USDC: usdc('custody').posted }).toEqual({
      ETH: await c.anvil.balance(c.custody.safe),
      USDC: await c.anvil.tokenBalance(c.tokens.USDC, c.custody.safe),
    });
    // BAD is deliberately booked above what the Safe holds (see the returns-false case).
    expect(bad('custody').posted).toBeGreaterThanOrEqual(await c.anvil.tokenBalance(c.tokens.BAD, c.custody.safe));
  }

  it('refuses a withdrawal to a token contract or to our own Safe or relayer at request time, changing nothing', async () => {
    await c.deposit('erc20', 'zed', 'USDC', 10n * USD);
    await c.deposit('erc20', 'zed', 'ETH', ETH);
    const before = await stateCounts(c.t.tdb.db);
    const cases: [string, string, string][] = [
      ['USDC', '1000000', c.tokens.USDC],
      ['USDC', '1000000', c.tokens.BAD.toLowerCase()],
      ['ETH', '100000000000000000', c.tokens.USDC],
      ['USDC', '1000000', c.custody.safe],
      ['ETH', '100000000000000000', c.custody.safe],
      ['USDC', '1000000', c.custody.relayer.address],
    ];
    for (const [asset, amount, to] of cases) {
      const res = await request('zed', asset, amount, to);
      expect(res.status).toBe(400);
      expect(await problemOf(res)).toMatchObject({ code: 'address.refused' });
    }
    // Token amounts are base units of the token (6 decimals for USDC): "1.5" is refused, not read as 1.5 USDC.
    const coins = await request('zed', 'USDC', '1.5', ethAddress(300));
    expect(await problemOf(coins)).toMatchObject({ status: 400, code: 'amount.base_units_expected' });
    expect(await stateCounts(c.t.tdb.db)).toEqual(before);
  });

  it('pays ETH and USDC withdrawals of several users in one MultiSendCallOnly batch signed 2-of-3, and settles custody per asset', async () => {
    expect((await c.t.changePolicy('USDC', 'erc20', { withdrawalFee: '250000' })).status).toBe(200); // 0.25 USDC
    const alice = {
      ETH: await c.deposit('erc20', 'alice', 'ETH', 3n * ETH),
      USDC: await c.deposit('erc20', 'alice', 'USDC', 500n * USD),
    };
    const bob = { USDC: await c.deposit('erc20', 'bob', 'USDC', 200n * USD) };
    const carol = { ETH: await c.deposit('erc20', 'carol', 'ETH', ETH) };
    const to = [ethAddress(201), ethAddress(202), ethAddress(203), ethAddress(204)];
    const plan = [
      { user: 'alice', asset: 'ETH', amount: '1500000000000000000', to: to[0], base: 15n * 10n ** 17n },
      { user: 'alice', asset: 'USDC', amount: '120500000', to: to[1], base: 1205n * 10n ** 5n },
      { user: 'bob', asset: 'USDC', amount: '75000000', to: to[2], base: 75n * USD },
      // A second token transfer to the same recipient: each needs its own Transfer event.
      { user: 'bob', asset: 'USDC', amount: '30000000', to: to[1], base: 30n * USD },
      { user: 'carol', asset: 'ETH', amount: '250000000000000000', to: to[3], base: 25n * 10n ** 16n },
    ];
    const eth0 = await houseNets(c.t.tdb.db, 'ETH');
    const usdc0 = await houseNets(c.t.tdb.db, 'USDC');
    const safe0 = {
      ETH: await c.anvil.balance(c.custody.safe),
      USDC: await c.anvil.tokenBalance(c.tokens.USDC, c.custody.safe),
    };
    const ws: Withdrawal[] = [];
    for (const p of plan) {
      const res = await request(p.user, p.asset, p.amount, p.to);
      expect(res.status).toBe(201);
      ws.push((await res.json()) as Withdrawal);
    }
    expect(ws.map((w) => [w.status, w.fee])).toEqual([
      ['approved', '0'],
      ['approved', '250000'],
      ['approved', '250000'],
      ['approved', '250000'],
      ['approved', '0'],
    ]);

    const runner = c.t.runner(CHAINS);
    const kmsSigns = c.t.signer.signatures;
    await runner.tick();
    const sent = await Promise.all(ws.map((w) => withdrawal(w.id)));
    expect(sent.map((w) => w.status)).toEqual(plan.map(() => 'broadcast'));
    expect(new Set(sent.map((w) => w.batchId)).size).toBe(1);
    // Two owners over the SafeTx hash, then the relayer over its transaction.
    expect(c.t.signer.signatures - kmsSigns).toBe(3);

    // What went on chain: the relayer calls the Safe, which delegatecalls MultiSendCallOnly with
    // the five transfers; two owner signatures (65 bytes each) carry the threshold.
    const txid = sent[0].txid as string;
    const tx = await c.anvil.provider.getTransaction(txid);
    expect(getAddress(tx!.to as string)).toBe(c.custody.safe);
    expect(getAddress(tx!.from)).toBe(c.custody.relayer.address);
    const exec = SAFE_ABI.decodeFunctionData('execTransaction', tx!.data);
    expect(getAddress(exec[0] as string)).toBe(SAFE_V141.multiSendCallOnly.address);
    expect(Number(exec[3])).toBe(1);
    expect((exec[9] as string).length).toBe(2 + 2 * 65 * 2);
    const safeTx: SafeTx = {
      to: exec[0],
      value: exec[1],
      data: exec[2],
      operation: Number(exec[3]),
      safeTxGas: exec[4],
      baseGas: exec[5],
      gasPrice: exec[6],
      gasToken: exec[7],
      refundReceiver: exec[8],
      nonce: 0n,
    };
    const assetOf = (token: string) =>
      Object.keys(c.tokens).find((a) => getAddress(c.tokens[a]) === getAddress(token)) ?? null;
    expect(decodeSafeTxOutputs(safeTx, assetOf)).toEqual(
      plan.map((p) => ({ address: p.to, asset: p.asset, amount: p.base })),
    );

    await c.anvil.mine(2);
    await runner.tick();
    const done = await Promise.all(ws.map((w) => withdrawal(w.id)));
    expect(done.map((w) => w.status)).toEqual(plan.map(() => 'settled'));
    const b = await batch(done[0].batchId as string);
    expect(b.status).toBe('settled');
    const fee = await gasPaid(txid);
    expect(BigInt(b.network_fee)).toBe(fee);

    // On chain: every recipient got exactly its outputs (to[1] twice), the Safe paid exactly the
    // payouts in each asset and no gas.
    expect(await Promise.all(to.map((a) => c.anvil.balance(a)))).toEqual([15n * 10n ** 17n, 0n, 0n, 25n * 10n ** 16n]);
    expect(await Promise.all(to.map((a) => c.anvil.tokenBalance(c.tokens.USDC, a)))).toEqual([
      0n,
      1505n * 10n ** 5n,
      75n * USD,
      0n,
    ]);
    expect(await c.anvil.balance(c.custody.safe)).toBe(safe0.ETH - 175n * 10n ** 16n);
    expect(await c.anvil.tokenBalance(c.tokens.USDC, c.custody.safe)).toBe(safe0.USDC - 2255n * 10n ** 5n);

    // Users: amount + withdrawal fee posted, nothing left held.
    expect(await balanceOf(alice.ETH)).toEqual({ available: 15n * 10n ** 17n, held: 0n });
    expect(await balanceOf(alice.USDC)).toEqual({
      available: 500n * USD - 1205n * 10n ** 5n - 25n * 10n ** 4n,
      held: 0n,
    });
    expect(await balanceOf(bob.USDC)).toEqual({ available: 200n * USD - 105n * USD - 5n * 10n ** 5n, held: 0n });
    expect(await balanceOf(carol.ETH)).toEqual({ available: 75n * 10n ** 16n, held: 0n });

    // House accounts: custody down by exactly the payouts per asset; the network fee is an ETH
    // expense paid from the relayer's gas budget, never from custody and never in USDC.
    const eth1 = await houseNets(c.t.tdb.db, 'ETH');
    const usdc1 = await houseNets(c.t.tdb.db, 'USDC');
    expect(eth1('custody').posted - eth0('custody').posted).toBe(-175n * 10n ** 16n);
    expect(usdc1('custody').posted - usdc0('custody').posted).toBe(-2255n * 10n ** 5n);
    expect(usdc1('fee_revenue').posted - usdc0('fee_revenue').posted).toBe(-75n * 10n ** 4n);
    expect(eth1('fee_expense').posted - eth0('fee_expense').posted).toBe(fee);
    expect(eth1('equity', 'relayer-gas:').posted - eth0('equity', 'relayer-gas:').posted).toBe(-fee);
    expect(usdc1('fee_expense')).toEqual({ posted: 0n, pending: 0n });
    expect(usdc1('equity')).toEqual({ posted: 0n, pending: 0n });
    for (const n of [eth1('in_flight'), usdc1('in_flight')]) expect(n).toEqual({ posted: 0n, pending: 0n });
    await expectCustodyMirrorsSafe();
    expect((await c.t.ledger.checkInvariants()).ok).toBe(true);
  });

  // Shared by the returns-false case and the check of its gas below.
  let failed:
    | {
        batchId: string;
        fee: bigint;
        ethBefore: Awaited<ReturnType<typeof houseNets>>;
        ethAfter: Awaited<ReturnType<typeof houseNets>>;
      }
    | undefined;

  it('fails a batch whose token transfers returned false although the Safe reported success, and gives the users their balances back', async () => {
    // The ledger credits more BAD than the Safe holds (10): each transfer below asks for more, so
    // BAD returns false instead of reverting, and the Safe still emits ExecutionSuccess.
    const dave = await c.deposit('erc20', 'dave', 'BAD', 40n * USD, 10n * USD);
    const erin = await c.deposit('erc20', 'erin', 'BAD', 25n * USD, 0n);
    const to = [ethAddress(211), ethAddress(212)];
    const bad0 = await houseNets(c.t.tdb.db, 'BAD');
    const ws: Withdrawal[] = [];
    for (const [user, amount, dest] of [
      ['dave', '40000000', to[0]],
      ['erin', '25000000', to[1]],
    ]) {
      const res = await request(user, 'BAD', amount, dest);
      expect(res.status).toBe(201);
      ws.push((await res.json()) as Withdrawal);
    }
    expect(await balanceOf(dave)).toEqual({ available: 0n, held: 40n * USD });

    // One round signs and broadcasts (anvil mines at once). The failure is acted on only at the
    // depth a success needs: a reorg could drop it, and the same bytes could then pay.
    const runner = c.t.runner(CHAINS);
    const ethBefore = await houseNets(c.t.tdb.db, 'ETH');
    await runner.tick();
    expect((await Promise.all(ws.map((w) => withdrawal(w.id)))).map((w) => w.status)).toEqual([
      'broadcast',
      'broadcast',
    ]);
    expect(await balanceOf(dave)).toEqual({ available: 0n, held: 40n * USD });
    await c.anvil.mine(1);
    await runner.tick();
    const done = await Promise.all(ws.map((w) => withdrawal(w.id)));
    expect(done.map((w) => w.status)).toEqual(['failed', 'failed']);
    expect(done.map((w) => w.history?.map((h) => h.to).slice(-3))).toEqual(
      done.map(() => ['signed', 'broadcast', 'failed']),
    );
    const b = await batch(done[0].batchId as string);
    expect(b.status).toBe('failed');
    expect(b.last_error).toMatch(/no Transfer of .* BAD/);
    // The gas the relayer really paid is the batch's network fee.
    expect(BigInt(b.network_fee)).toBe(await gasPaid(b.txid));
    // On chain the relayer's transaction and the Safe both succeeded: only the events tell.
    const receipt = await c.anvil.provider.getTransactionReceipt(b.txid);
    expect(receipt!.status).toBe(1);
    expect(
      receipt!.logs.some((l) => getAddress(l.address) === c.custody.safe && l.topics[0] === EXECUTION_SUCCESS_TOPIC),
    ).toBe(true);
    failed = { batchId: b.id, fee: await gasPaid(b.txid), ethBefore, ethAfter: await houseNets(c.t.tdb.db, 'ETH') };

    // Nothing moved on chain, and the holds are voided: the users have their whole balance back.
    expect(await c.anvil.tokenBalance(c.tokens.BAD, c.custody.safe)).toBe(10n * USD);
    expect(await Promise.all(to.map((a) => c.anvil.tokenBalance(c.tokens.BAD, a)))).toEqual([0n, 0n]);
    expect(await balanceOf(dave)).toEqual({ available: 40n * USD, held: 0n });
    expect(await balanceOf(erin)).toEqual({ available: 25n * USD, held: 0n });
    const bad1 = await houseNets(c.t.tdb.db, 'BAD');
    expect(bad1('custody')).toEqual(bad0('custody'));
    expect(bad1('in_flight')).toEqual({ posted: 0n, pending: 0n });
    await expectCustodyMirrorsSafe();
    expect((await c.t.ledger.checkInvariants()).ok).toBe(true);

    // The failed batch used up a Safe nonce and a relayer nonce: the next batch still goes through.
    await c.deposit('erc20', 'dave', 'USDC', 6n * USD); // the client's USDC policy charges 0.25
    const res = await request('dave', 'USDC', String(5n * USD), to[0]);
    expect(res.status).toBe(201);
    const next = (await res.json()) as Withdrawal;
    await runner.tick();
    await c.anvil.mine(2);
    await runner.tick();
    expect((await withdrawal(next.id)).status).toBe('settled');
    expect(await c.anvil.tokenBalance(c.tokens.USDC, to[0])).toBe(5n * USD);
  });

  // The relayer paid real gas for the failed batch: booked with the voids, so the ledger's relayer
  // gas budget still matches what the relayer spent.
  it('books the gas the relayer paid for the failed batch (fee expense, relayer gas budget)', () => {
    if (!failed) throw new Error('the returns-false case did not run');
    expect(failed.fee).toBeGreaterThan(0n);
    expect(failed.ethAfter('fee_expense').posted - failed.ethBefore('fee_expense').posted).toBe(failed.fee);
    expect(failed.ethAfter('equity', 'relayer-gas:').posted - failed.ethBefore('equity', 'relayer-gas:').posted).toBe(
      -failed.fee,
    );
  });

  // A mixed batch: BAD returns false, but MultiSendCallOnly only reverts on a reverting call, so
  // the ETH and USDC transfers of the same batch are paid.
  let mixed:
    { frank: { ETH: string; USDC: string }; gina: string; to: string[]; ws: Withdrawal[]; txid: string } | undefined;

  it('executes a mixed batch in which only the BAD transfer returned false: ETH and USDC reach their recipients', async () => {
    const frank = {
      ETH: await c.deposit('erc20', 'frank', 'ETH', ETH),
      USDC: await c.deposit('erc20', 'frank', 'USDC', 20n * USD),
    };
    const gina = await c.deposit('erc20', 'gina', 'BAD', 30n * USD, 0n);
    const to = [ethAddress(221), ethAddress(222), ethAddress(223)];
    const safe0 = {
      ETH: await c.anvil.balance(c.custody.safe),
      USDC: await c.anvil.tokenBalance(c.tokens.USDC, c.custody.safe),
      BAD: await c.anvil.tokenBalance(c.tokens.BAD, c.custody.safe),
    };
    const ws: Withdrawal[] = [];
    for (const [user, asset, amount, dest] of [
      ['frank', 'ETH', '500000000000000000', to[0]],
      ['frank', 'USDC', '10000000', to[1]],
      ['gina', 'BAD', '30000000', to[2]],
    ]) {
      const res = await request(user, asset, amount, dest);
      expect(res.status).toBe(201);
      ws.push((await res.json()) as Withdrawal);
    }
    const runner = c.t.runner(CHAINS);
    const eth0 = await houseNets(c.t.tdb.db, 'ETH');
    await runner.tick();
    await c.anvil.mine(2);
    await runner.tick();
    const done = await Promise.all(ws.map((w) => withdrawal(w.id)));
    expect(new Set(done.map((w) => w.batchId)).size).toBe(1);
    const b = await batch(done[0].batchId as string);
    mixed = { frank, gina, to, ws, txid: b.txid };
    expect(b.last_error).toMatch(/no Transfer of .* BAD/);
    // The paid outputs settle; only the unpaid one fails, with the reason.
    expect(done.map((w) => w.status)).toEqual(['settled', 'settled', 'failed']);
    expect(done[2]).toMatchObject({ rule: 'output_unpaid', reason: expect.stringMatching(/no Transfer of .* BAD/) });
    expect(b.status).toBe('settled');
    const fee = await gasPaid(b.txid);
    expect(BigInt(b.network_fee)).toBe(fee);
    expect(
      (await houseNets(c.t.tdb.db, 'ETH'))('equity', 'relayer-gas:').posted - eth0('equity', 'relayer-gas:').posted,
    ).toBe(-fee);
    expect(await c.anvil.balance(to[0])).toBe(5n * 10n ** 17n);
    expect(await c.anvil.tokenBalance(c.tokens.USDC, to[1])).toBe(10n * USD);
    expect(await c.anvil.tokenBalance(c.tokens.BAD, to[2])).toBe(0n);
    expect(await c.anvil.balance(c.custody.safe)).toBe(safe0.ETH - 5n * 10n ** 17n);
    expect(await c.anvil.tokenBalance(c.tokens.USDC, c.custody.safe)).toBe(safe0.USDC - 10n * USD);
    expect(await c.anvil.tokenBalance(c.tokens.BAD, c.custody.safe)).toBe(safe0.BAD);
    expect((await c.t.ledger.checkInvariants()).ok).toBe(true);
  });

  // Failing the whole batch on the BAD verdict would give frank back the ETH and USDC that did leave
  // the Safe (paid twice). Each user must lose in the ledger exactly what reached their recipient
  // (plus the fee when paid).
  it('debits each user of the mixed batch exactly what reached their recipient, and custody still mirrors the Safe', async () => {
    if (!mixed) throw new Error('the mixed batch did not run');
    const { frank, gina, to } = mixed;
    const paid = {
      ETH: await c.anvil.balance(to[0]),
      USDC: await c.anvil.tokenBalance(c.tokens.USDC, to[1]),
      BAD: await c.anvil.tokenBalance(c.tokens.BAD, to[2]),
    };
    const usdcFee = paid.USDC > 0n ? 25n * 10n ** 4n : 0n;
    expect(await balanceOf(frank.ETH)).toEqual({ available: ETH - paid.ETH, held: 0n });
    expect(await balanceOf(frank.USDC)).toEqual({ available: 20n * USD - paid.USDC - usdcFee, held: 0n });
    expect(await balanceOf(gina)).toEqual({ available: 30n * USD - paid.BAD, held: 0n });
    await expectCustodyMirrorsSafe();
  });

  it('judges a mined batch against its approved outputs even when a token has left the configuration, and refuses to judge outputs it does not match', async () => {
    if (!mixed) throw new Error('the mixed batch did not run');
    const { ws, txid } = mixed;
    const outputs = ws.map((w) => ({
      ref: w.id,
      address: getAddress(w.destination),
      asset: w.asset,
      amount: BigInt(w.amount),
    }));
    // An adapter configured with no token at all: the payouts are read from the executed calls.
    const bare = new EthereumAdapter({
      rpcUrl: c.anvil.rpcUrl,
      network: 'anvil',
      chainId: c.anvil.chainId,
      tokens: [],
    });
    try {
      expect(await bare.status(txid, outputs)).toMatchObject({
        state: 'partial',
        unpaid: [{ ref: ws[2].id, reason: expect.stringMatching(/no Transfer of .* BAD/) }],
      });
      // Outputs that are not what the transaction pays cannot be judged: nothing is settled or refunded on a guess.
      const swapped = [outputs[0], { ...outputs[1], amount: outputs[1].amount + 1n }, outputs[2]];
      await expect(bare.status(txid, swapped)).rejects.toThrow(/cannot judge/);
      await expect(bare.status(txid, outputs.slice(0, 2))).rejects.toThrow(/cannot judge/);
    } finally {
      bare.close();
    }
  });
});
