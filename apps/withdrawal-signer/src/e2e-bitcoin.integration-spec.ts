import { BitcoinAdapter } from '@strongroom/chains-bitcoin';
import { testBackends } from '@strongroom/testing';
import { startBitcoinRegtest, type BitcoinRegtest } from '@strongroom/local-services/bitcoin-regtest';
import { PipelineRunner, type Withdrawal } from '@strongroom/withdrawals';
import { Transaction } from 'bitcoinjs-lib';
import { btcAddress } from './testing/fixtures';
import { startWithdrawalTestApp, type WithdrawalTestApp } from './testing/withdrawal-test-app';
import { firstTick } from './testing/first-tick';
import { batchNetworkFee, getWithdrawal, ledgerCustody } from './testing/withdrawal-calls';

const BTC = 100_000_000n;

// The real Bitcoin adapter on the bcoin regtest node, signing with 2-of-3 kms-local keys: a PSBT
// whose witness is assembled from KMS signatures, accepted by the node, mined and settled.
describe.each(testBackends())('withdrawals end to end on bitcoin regtest with KMS [%s]', (backend) => {
  let node: BitcoinRegtest;
  let adapter: BitcoinAdapter;
  let t: WithdrawalTestApp;
  let scanned = 0;
  const scan = async () => {
    const tip = (await adapter.tip()).height;
    for (let h = scanned + 1; h <= tip; h++) await adapter.block(h);
    scanned = tip;
  };

  beforeAll(async () => {
    node = await startBitcoinRegtest();
    adapter = new BitcoinAdapter({
      network: 'regtest',
      rpcUrl: node.rpcUrl,
      rpcUser: node.rpcUser,
      rpcPassword: node.rpcPassword,
      feeRate: { default: 2, min: 1, max: 50 },
    });
    t = await startWithdrawalTestApp(backend, [adapter]);
  });
  afterAll(async () => {
    await t?.close();
    await node?.stop();
  });

  it('deposits into multisig custody, then withdraws through approval to settlement', async () => {
    const wallet = t.wallets.get('bitcoin')!;
    // A deposit to the user's custody address (what the deposit watcher credits).
    const deposit = adapter.deriveDepositAddress(wallet, 'e2e:alice');
    const change = adapter.changeAddress(wallet);
    adapter.watch([
      { address: deposit.address, script: deposit.locator, derivation: deposit.derivation, ref: 'alice' },
      { address: change.address, script: change.locator, derivation: change.derivation, ref: 'change' },
    ]);
    scanned = (await adapter.tip()).height;
    await node.fund(deposit.address, 2n * BTC);
    await node.mine(1);
    await scan();
    expect(adapter.custodyUtxos().map((u) => u.value)).toEqual([2n * BTC]);
    await t.fund('e2e', 'alice', 'BTC', 2n * BTC);

    expect(
      (
        await t.changePolicy('BTC', 'e2e', {
          approvalThreshold: '10000000',
          approvalsRequired: 2,
          withdrawalFee: '1000',
        })
      ).status,
    ).toBe(200);
    const res = await t.call(
      t.keys.backend,
      'POST',
      '/v1/withdrawals',
      { clientId: 'e2e', userId: 'alice', asset: 'BTC', amount: '50000000', destination: btcAddress(1) },
      { 'Idempotency-Key': 'e2e-1' },
    );
    const w = (await res.json()) as Withdrawal;
    expect(w.status).toBe('awaiting_approval');
    await t.call(t.keys.approver1, 'POST', `/v1/approvals/${w.id}/approve`);
    await t.call(t.keys.approver2, 'POST', `/v1/approvals/${w.id}/approve`);

    const { runner, sent, signatures } = await firstTick(
      t,
      [{ chain: 'bitcoin', batchMaxSize: 10, batchMaxAgeMs: 0, leaseMs: 30_000 }],
      w.id,
    );
    expect(sent.status).toBe('broadcast');
    // One input, 2-of-3: two KMS signatures.
    expect(signatures).toBe(2);
    // The node has the transaction and it pays exactly the approved output (plus change to custody).
    const raw = await node.rpc<string>('getrawtransaction', [sent.txid, 0]);
    const tx = Transaction.fromHex(raw);
    expect(tx.outs.some((o) => o.value === 50_000_000n)).toBe(true);

    await node.mine(2);
    await scan();
    await runner.tick();
    const done = await getWithdrawal(t, w.id);
    expect(done.status).toBe('settled');
    const fee = await batchNetworkFee(t, done.batchId);
    expect(fee).toBeGreaterThan(0n);
    // Custody on chain (the change) equals custody in the ledger.
    const onChain = adapter.custodyUtxos().reduce((s, u) => s + u.value, 0n);
    expect(await ledgerCustody(t, wallet.id, 'BTC')).toBe(onChain);
    expect(onChain).toBe(2n * BTC - 50_000_000n - fee);
    const user = await t.ledger.findAccount({ clientId: 'e2e', ownerId: 'alice', asset: 'BTC', kind: 'user' });
    const ub = await t.ledger.balances(user!.id);
    expect(ub.creditsPosted - ub.debitsPosted).toBe(2n * BTC - 50_000_000n - 1000n);
    expect((await t.ledger.checkInvariants()).ok).toBe(true);
  });

  it('refuses to sign when the ledger books custody the chain does not hold (on-chain solvency check), with no KMS Sign call', async () => {
    // A credit the ledger balances (custody → user) but no output on chain backs: a forged deposit.
    await t.fund('e2e', 'bob', 'BTC', BTC);
    const res = await t.call(
      t.keys.backend,
      'POST',
      '/v1/withdrawals',
      { clientId: 'e2e', userId: 'bob', asset: 'BTC', amount: '5000000', destination: btcAddress(2) },
      { 'Idempotency-Key': 'e2e-2' },
    );
    const w = (await res.json()) as Withdrawal;
    expect(w.status).toBe('approved');
    const kmsSigns = () => t.kms.server.stats.byOperation.Sign ?? 0;
    const before = kmsSigns();
    const errors: string[] = [];
    const runner = new PipelineRunner(t.deps, {
      chains: [{ chain: 'bitcoin', batchMaxSize: 10, batchMaxAgeMs: 0, leaseMs: 30_000 }],
      onError: (err) => errors.push((err as { code?: string }).code ?? String(err)),
    });
    await runner.tick();
    expect(errors).toContain('solvency.breaker_tripped');
    expect(kmsSigns()).toBe(before);
    const got = await getWithdrawal(t, w.id);
    expect(got.status).toBe('signing');
    const [breaker] = await t.tdb.db.query<{
      reason: string;
      detail: { onChain: { source: string }; shortfall: string };
    }>(`SELECT reason, detail FROM withdrawals.solvency_breakers WHERE asset = 'BTC' AND tripped`);
    expect(breaker.reason).toBe('onchain_shortfall');
    expect(breaker.detail.onChain.source).toBe('bitcoin:custody-utxo-set');
    // The forged 1 BTC, less the operator's margin from the first withdrawal (its fee above the network fee).
    const shortfall = BigInt(breaker.detail.shortfall);
    expect(shortfall).toBeGreaterThan(BTC - 1000n);
    expect(shortfall).toBeLessThan(BTC);
  });
});
