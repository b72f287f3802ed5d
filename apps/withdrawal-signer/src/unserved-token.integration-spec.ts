import { EthereumAdapter } from '@strongroom/chains-ethereum';
import { testBackends } from '@strongroom/testing';
import { Batcher, type ChainPipelineOptions, type Withdrawal } from '@strongroom/withdrawals';
import { startTokenCustodyApp, type TokenCustodyApp } from './testing/ethereum-token-custody';
import { ETH, ethAddress, pipelineOf, stateCounts, USD } from './testing/fixtures';
import { problemOf } from './testing/withdrawal-test-app';
import { getWithdrawal, postWithdrawal, userBalance } from './testing/withdrawal-calls';

const CHAINS: ChainPipelineOptions[] = [pipelineOf('ethereum')];

// A token whose contract the deployment's Ethereum adapter was not configured with cannot leave
// the Safe. On anvil with a real Safe (2-of-3 kms-local owners, kms-local relayer): such a
// withdrawal is refused at request time; one that got past it (the configuration changed under
// a batch already formed) fails its batch for good instead of blocking every later batch.
describe.each(testBackends())('tokens this deployment does not serve [%s]', (backend) => {
  let c: TokenCustodyApp;
  let seq = 0;
  /** The adapter a restart without USDC's contract (no ETHEREUM_TOKENS) would build. */
  let bare: EthereumAdapter;
  /** The same deployment with its RPC endpoint down. */
  let unreachable: EthereumAdapter;

  beforeAll(async () => {
    c = await startTokenCustodyApp(backend, [{ asset: 'USDC', decimals: 6 }]);
    bare = new EthereumAdapter({ rpcUrl: c.anvil.rpcUrl, network: 'anvil', chainId: c.anvil.chainId, tokens: [] });
    // Nothing listens on port 1: every call fails to connect.
    unreachable = new EthereumAdapter({
      rpcUrl: 'http://127.0.0.1:1',
      network: 'anvil',
      chainId: c.anvil.chainId,
      tokens: [{ asset: 'USDC', address: c.tokens.USDC }],
    });
    const wallet = await c.t.deps.wallets.walletFor('ethereum', 'unserved');
    for (const a of [bare, unreachable]) a.registerWallet(wallet);
  });
  afterEach(() => {
    c.t.deps.adapters.set('ethereum', c.custody.adapter);
  });
  afterAll(async () => {
    bare?.close();
    unreachable?.close();
    await c?.close();
  });

  const use = (adapter: EthereumAdapter) => c.t.deps.adapters.set('ethereum', adapter);
  const request = (userId: string, asset: string, amount: string, destination: string) =>
    postWithdrawal(c.t, { clientId: 'unserved', userId, asset, amount, destination }, `unserved-${backend}-${++seq}`);
  const withdrawal = (id: string) => getWithdrawal(c.t, id);
  async function batchOf(id: string): Promise<{ status: string; last_error: string | null }> {
    const [b] = await c.t.tdb.db.query<{ status: string; last_error: string | null }>(
      `SELECT status, last_error FROM withdrawals.batches WHERE id = $1`,
      [id],
    );
    return b;
  }
  const balanceOf = (accountId: string) => userBalance(c.t, accountId);
  const batcher = () => new Batcher(c.t.deps, { chain: 'ethereum', maxSize: 10, maxAgeMs: 0 });

  it('refuses a USDC withdrawal at request time when the adapter has no USDC contract, changing nothing', async () => {
    const user = await c.deposit('unserved', 'ann', 'USDC', 10n * USD);
    use(bare);
    const before = await stateCounts(c.t.tdb.db);
    const res = await request('ann', 'USDC', '1000000', ethAddress(400));
    expect(res.status).toBe(422);
    expect(await problemOf(res)).toMatchObject({ code: 'asset.not_configured', asset: 'USDC', chain: 'ethereum' });
    expect(await stateCounts(c.t.tdb.db)).toEqual(before);
    expect(await balanceOf(user)).toEqual({ available: 10n * USD, held: 0n });
    // The adapter that knows the contract takes the same request (cancelled: not the subject here).
    use(c.custody.adapter);
    const ok = await request('ann', 'USDC', '1000000', ethAddress(400));
    expect(ok.status).toBe(201);
    const { id } = (await ok.json()) as Withdrawal;
    expect((await c.t.call(c.t.keys.backend, 'POST', `/v1/withdrawals/${id}/cancel`, {})).status).toBe(200);
  });

  it('fails a batch whose token lost its contract, voiding its holds, and the next batch still goes through; an RPC outage is only retried', async () => {
    const bea = {
      USDC: await c.deposit('unserved', 'bea', 'USDC', 50n * USD),
      ETH: await c.deposit('unserved', 'bea', 'ETH', 2n * ETH),
    };
    const runner = c.t.runner(CHAINS);

    // Accepted and batched while USDC's contract was configured...
    const res1 = await request('bea', 'USDC', '20000000', ethAddress(401));
    expect(res1.status).toBe(201);
    const usdc = (await res1.json()) as Withdrawal;
    const [first] = await batcher().runOnce();
    expect(await balanceOf(bea.USDC)).toEqual({ available: 30n * USD, held: 20n * USD });
    // ...then the deployment restarts without it. ETH is still served: a later batch.
    use(bare);
    const res2 = await request('bea', 'ETH', '500000000000000000', ethAddress(402));
    expect(res2.status).toBe(201);
    const eth = (await res2.json()) as Withdrawal;
    const [second] = await batcher().runOnce();
    expect(second).not.toBe(first);

    // The RPC endpoint down is not the batch's fault: it stays batched, nothing is voided.
    use(unreachable);
    await expect(runner.tick()).rejects.toThrow();
    expect(await batchOf(first)).toMatchObject({ status: 'batched' });
    expect((await withdrawal(usdc.id)).status).toBe('batched');
    expect(await balanceOf(bea.USDC)).toEqual({ available: 30n * USD, held: 20n * USD });

    // The batch that cannot be built fails with the adapter's code, once, and its hold is voided.
    use(bare);
    await expect(runner.tick()).rejects.toMatchObject({ code: 'asset.unknown' });
    expect(await batchOf(first)).toMatchObject({
      status: 'failed',
      last_error: expect.stringContaining('has no token on anvil'),
    });
    expect(await withdrawal(usdc.id)).toMatchObject({ status: 'failed', rule: 'asset.unknown' });
    expect(await balanceOf(bea.USDC)).toEqual({ available: 50n * USD, held: 0n });

    // The chain is not blocked: the ETH batch is signed, mined and settled.
    await runner.tick();
    expect((await withdrawal(eth.id)).status).toBe('broadcast');
    await c.anvil.mine(2);
    await runner.tick();
    expect(await withdrawal(eth.id)).toMatchObject({ status: 'settled', batchId: second });
    expect(await c.anvil.balance(ethAddress(402))).toBe(5n * 10n ** 17n);
    expect(await balanceOf(bea.ETH)).toEqual({ available: 15n * 10n ** 17n, held: 0n });
    expect(await c.anvil.tokenBalance(c.tokens.USDC, ethAddress(401))).toBe(0n);
    expect((await c.t.ledger.checkInvariants()).ok).toBe(true);
  });
});
