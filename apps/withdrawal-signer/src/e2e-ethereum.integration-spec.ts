import { setupEthereumCustody, EthereumAdapter, type EthereumCustody } from '@strongroom/chains-ethereum';
import { KeyRegistry, KmsSigner } from '@strongroom/keys';
import { testBackends } from '@strongroom/testing';
import { startAnvil, type Anvil } from '@strongroom/local-services/anvil';
import type { ChainPipelineOptions, Withdrawal } from '@strongroom/withdrawals';
import { Transaction } from 'ethers';
import { ETH, ethAddress, pipelineOf } from './testing/fixtures';
import { startWithdrawalTestApp, type WithdrawalTestApp } from './testing/withdrawal-test-app';
import { firstTick } from './testing/first-tick';
import { batchNetworkFee, getWithdrawal } from './testing/withdrawal-calls';
import { expectFeeBump } from './testing/fee-bump';

// The real Ethereum adapter on anvil: a Safe v1.4.1 whose 2-of-3 owners and relayer are kms-local
// keys; owners sign the SafeTx hash, the relayer signs its transaction at the nonce reserved in
// the database, anvil executes it, the batch settles with the gas actually paid.
describe.each(testBackends())('withdrawals end to end on anvil with a Safe and KMS [%s]', (backend) => {
  let anvil: Anvil;
  let t: WithdrawalTestApp;
  let custody: EthereumCustody;

  beforeAll(async () => {
    anvil = await startAnvil();
    const placeholder = new EthereumAdapter({
      rpcUrl: anvil.rpcUrl,
      network: 'anvil',
      chainId: anvil.chainId,
      tokens: [],
    });
    t = await startWithdrawalTestApp(backend, [placeholder]);
    const [w] = await new KeyRegistry(t.tdb.db).wallets('ethereum');
    const kms = new KmsSigner({ ...t.kms.config, requestsPerSecond: Infinity });
    custody = await setupEthereumCustody(anvil, kms, {
      owners: [...w.keys].sort((a, b) => a.position - b.position).map((k) => k.kmsKeyId),
      relayer: w.relayer!.kmsKeyId,
      threshold: 2,
    });
    // The pipeline uses the adapter that knows the deployed contracts and the wallet's Safe.
    t.deps.adapters.set('ethereum', custody.adapter);
    const wallet = { ...t.wallets.get('ethereum')!, safeAddress: custody.safe };
    custody.adapter.registerWallet(wallet);
    t.deps.wallets = { walletFor: async () => wallet };
  });
  afterAll(async () => {
    await t?.close();
    await anvil?.stop();
  });

  it('pays an approved ETH withdrawal from the Safe and settles it with the real gas fee', async () => {
    await anvil.fund(custody.safe, 10n * ETH);
    await t.fund('e2e', 'bob', 'ETH', 10n * ETH);
    const to = ethAddress(77);
    const res = await t.call(
      t.keys.backend,
      'POST',
      '/v1/withdrawals',
      { clientId: 'e2e', userId: 'bob', asset: 'ETH', amount: '1250000000000000000', destination: to },
      { 'Idempotency-Key': 'eth-e2e-1' },
    );
    const w = (await res.json()) as Withdrawal;
    expect(w.status).toBe('approved');
    const { runner, sent, signatures } = await firstTick(t, [pipelineOf('ethereum')], w.id);
    expect(sent.status).toBe('broadcast');
    // Two owners over the SafeTx hash, then the relayer over its transaction.
    expect(signatures).toBe(3);
    // The relayer nonce came from the database reservation, after the Safe deployment's nonce 0.
    const [n] = await t.tdb.db.query<{ nonce: string }>(
      `SELECT nonce::text FROM withdrawals.nonces WHERE batch_id = $1`,
      [sent.batchId],
    );
    expect(n.nonce).toBe('1');
    expect(BigInt(await anvil.rpc<string>('eth_getBalance', [to, 'latest']))).toBe(125n * 10n ** 16n);

    await anvil.mine(2);
    await runner.tick();
    const done = await getWithdrawal(t, w.id);
    expect(done.status).toBe('settled');
    const networkFee = await batchNetworkFee(t, done.batchId);
    const receipt = await anvil.rpc<{ gasUsed: string; effectiveGasPrice: string }>('eth_getTransactionReceipt', [
      done.txid,
    ]);
    expect(networkFee).toBe(BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice));
    const user = await t.ledger.findAccount({ clientId: 'e2e', ownerId: 'bob', asset: 'ETH', kind: 'user' });
    const ub = await t.ledger.balances(user!.id);
    expect(ub.creditsPosted - ub.debitsPosted).toBe(10n * ETH - 125n * 10n ** 16n);
    // The relayer paid the gas, so custody (mirroring the Safe) lost exactly the payout and the
    // network fee came out of the relayer's gas budget.
    const house = await t.tdb.db.query<{ kind: string; owner_id: string; net: string }>(
      `SELECT kind, owner_id, (debits_posted - credits_posted)::text AS net FROM ledger.accounts WHERE asset = 'ETH' AND kind IN ('custody', 'equity', 'fee_expense')`,
    );
    const net = (kind: string) => BigInt(house.find((h) => h.kind === kind)?.net ?? '0');
    expect(net('custody')).toBe(10n * ETH - 125n * 10n ** 16n);
    expect(net('equity')).toBe(-networkFee);
    expect(net('fee_expense')).toBe(networkFee);
    expect(house.find((h) => h.kind === 'equity')?.owner_id).toMatch(/^relayer-gas:/);
    expect((await t.ledger.checkInvariants()).ok).toBe(true);
  });

  it('replaces a stuck relayer transaction with higher fees at the same nonce, then settles', async () => {
    await t.fund('e2e', 'carol', 'ETH', 5n * ETH);
    const to = ethAddress(78);
    const res = await t.call(
      t.keys.backend,
      'POST',
      '/v1/withdrawals',
      { clientId: 'e2e', userId: 'carol', asset: 'ETH', amount: '500000000000000000', destination: to },
      { 'Idempotency-Key': 'eth-e2e-2' },
    );
    const w = (await res.json()) as Withdrawal;
    const chains: ChainPipelineOptions[] = [
      { chain: 'ethereum', batchMaxSize: 10, batchMaxAgeMs: 0, leaseMs: 30_000, confirmations: 2, bumpAfterMs: 60_000 },
    ];
    const runner = t.runner(chains);
    await anvil.setAutomine(false);
    try {
      await runner.tick();
      const first = await getWithdrawal(t, w.id);
      expect(first.status).toBe('broadcast');
      const before = Transaction.from(await anvil.rpc<string>('eth_getRawTransactionByHash', [first.txid]));
      t.clock.advance(60_001);
      await runner.tick();
      const [b] = await t.tdb.db.query<{ txid: string; previous_txids: string[]; attempt: number }>(
        `SELECT txid, previous_txids, attempt FROM withdrawals.batches WHERE id = $1`,
        [first.batchId],
      );
      expect(b.attempt).toBe(1);
      expect(b.previous_txids).toEqual([first.txid]);
      expect(b.txid).not.toBe(first.txid);
      await expectFeeBump(anvil, before, b.txid);
      await anvil.mine(3);
    } finally {
      await anvil.setAutomine(true);
    }
    await runner.tick();
    const done = await getWithdrawal(t, w.id);
    expect(done.status).toBe('settled');
    expect(BigInt(await anvil.rpc<string>('eth_getBalance', [to, 'latest']))).toBe(5n * 10n ** 17n);
    expect((await t.ledger.checkInvariants()).ok).toBe(true);
  });
});
