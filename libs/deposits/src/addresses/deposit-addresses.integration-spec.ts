import { LedgerService } from '@strongroom/ledger';
import { AssetRegistry, tokenContracts, withTokenContracts } from '@strongroom/shared-assets';
import { describeEachBackend } from '@strongroom/testing';
import { depositsContext } from '../deposits.context';
import { CustodyWallets } from '../wallets/custody-wallets';
import { DepositAddresses } from './deposit-addresses';
import { anvilWithUsdc } from '../testing/anvil-with-usdc';
import { registerWatchOnlyWallet } from '../testing/watch-only-wallet';

/**
 * Deposit addresses for a token are issued only where the deployment's Ethereum adapter knows the
 * token's contract: the default registry has USDC on mainnet only, so on anvil it takes
 * configuration (ETHEREUM_TOKENS) — without it the request is refused and nothing is written.
 */
const node = anvilWithUsdc();
let usdc: string;
beforeAll(() => {
  ({ usdc } = node());
});

describeEachBackend('deposit addresses for tokens the deployment serves', { contexts: [depositsContext] }, (ctx) => {
  let wallets: CustodyWallets;
  let ledger: LedgerService;
  const client = `c${Math.random().toString(36).slice(2, 8)}`;

  /** The issuer a deployment on anvil builds from `assets`, as the apps do. */
  const issuerFor = (assets: AssetRegistry) => {
    const adapter = node().adapter(tokenContracts(assets, 'ethereum', 'anvil'));
    return { adapter, addresses: new DepositAddresses(ctx().db, wallets, assets, [adapter], ledger) };
  };
  const counts = async () => {
    const [r] = await ctx().db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM deposits.addresses WHERE client_id = $1`,
      [client],
    );
    return Number(r.n);
  };

  beforeAll(async () => {
    wallets = new CustodyWallets(ctx().db);
    ledger = new LedgerService(ctx().db);
    await registerWatchOnlyWallet(wallets, 'eth-hot', 'ethereum');
  });

  it('refuses a USDC address when no USDC contract is configured on the network, writing nothing', async () => {
    const { adapter, addresses } = issuerFor(new AssetRegistry());
    const before = await counts();
    for (const fresh of [false, true]) {
      await expect(addresses.issue({ clientId: client, userId: 'alice', asset: 'USDC', fresh })).rejects.toMatchObject({
        code: 'asset.not_configured',
        status: 422,
        extra: { asset: 'USDC', chain: 'ethereum' },
      });
    }
    expect(await counts()).toBe(before);
    expect(await ledger.findAccount({ clientId: client, ownerId: 'alice', asset: 'USDC', kind: 'user' })).toBeNull();
    expect(adapter.watchedCount).toBe(0);
    // ETH needs no contract: the same deployment issues it.
    const eth = await addresses.issue({ clientId: client, userId: 'alice', asset: 'ETH' });
    expect(eth).toMatchObject({ created: true, address: { asset: 'ETH', chain: 'ethereum' } });
    expect(await counts()).toBe(before + 1);
  });

  it('issues USDC addresses once the contract is configured, and watches them', async () => {
    const { adapter, addresses } = issuerFor(
      withTokenContracts(new AssetRegistry(), 'ethereum', 'anvil', `USDC:${usdc}`),
    );
    const { address, created } = await addresses.issue({ clientId: client, userId: 'alice', asset: 'USDC' });
    expect(created).toBe(true);
    expect(address).toMatchObject({ asset: 'USDC', chain: 'ethereum', index: 0 });
    expect(adapter.watchedCount).toBe(1);
    expect(
      await ledger.findAccount({ clientId: client, ownerId: 'alice', asset: 'USDC', kind: 'user' }),
    ).not.toBeNull();
  });
});
