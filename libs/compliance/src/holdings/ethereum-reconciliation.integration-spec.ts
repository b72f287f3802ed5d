import { EthereumAdapter } from '@strongroom/chains-ethereum';
import {
  CustodyWallets,
  DepositAddresses,
  DepositFollower,
  type CustodyWalletRecord,
  registerWatchOnlyWallet,
} from '@strongroom/deposits';
import { LedgerCutReader, LedgerService } from '@strongroom/ledger';
import { AssetRegistry } from '@strongroom/shared-assets';
import { describeEachBackend } from '@strongroom/testing';
import { startAnvil, type Anvil } from '@strongroom/local-services/anvil';
import { complianceContext } from '../index';
import { StaticPriceSource } from '../prices/price-source';
import { ReconciliationService, type Reconciliation } from '../reconciliation/reconciliation.service';
import { SegregationService } from '../segregation/segregation.service';
import { SnapshotService } from '../snapshot/snapshot.service';
import { CustodyHoldings } from './custody-holdings';
import { EthereumCustodyHoldings } from './ethereum-holdings';
import { FollowerChainTips } from './follower-chain-tips';
import { LedgerUnbooked } from './unbooked-movements';

/**
 * Ethereum reconciliation on anvil with real ETH and ERC-20 deposits to CREATE2 deposit
 * addresses (unswept), two wallets (the operator's and a segregated client's, each with its Safe
 * address), and holdings read at the snapshot block. Coins taken out of a deposit address behind
 * the ledger's back (anvil impersonation stands in for a stolen key) show as a shortfall in the
 * new snapshot only; the earlier snapshot still reconciles at its own block.
 */
const ETH = 10n ** 18n;
const USD = 10n ** 6n;
const CONFIRMATIONS = 2;

let anvil: Anvil;
let usdc: string;
const opened: EthereumAdapter[] = [];
beforeAll(async () => {
  anvil = await startAnvil();
  usdc = await anvil.deployToken({ symbol: 'USDC', decimals: 6 });
  await anvil.mintToken(usdc, anvil.accounts[0], 1_000_000n * USD);
});
afterAll(async () => {
  for (const a of opened) a.close();
  await anvil?.stop();
});

describeEachBackend(
  'Ethereum reconciliation and segregation on anvil',
  {
    contexts: [complianceContext],
  },
  (ctx) => {
    let assets: AssetRegistry;
    const suffix = Math.random().toString(36).slice(2, 8);
    const [shared, segregated] = [`acme${suffix}`, `seg${suffix}`];
    let follower: DepositFollower;
    let snapshots: SnapshotService;
    let reconciliations: ReconciliationService;
    let segregation: SegregationService;
    let pool: CustodyWalletRecord;
    let own: CustodyWalletRecord;
    const addr: Record<string, string> = {};
    let first: Reconciliation;

    const adapter = () => {
      const a = new EthereumAdapter({
        rpcUrl: anvil.rpcUrl,
        network: 'anvil',
        chainId: anvil.chainId,
        tokens: [{ asset: 'USDC', address: usdc }],
      });
      opened.push(a);
      return a;
    };
    const reconcileNow = async () => reconciliations.reconcile((await snapshots.take('auditor:test')).id);
    const byAsset = (r: Reconciliation, asset: string) => r.assets.find((a) => a.asset === asset)!;

    beforeAll(async () => {
      const { db } = ctx();
      assets = new AssetRegistry().withAssets([
        { code: 'ETH', confirmations: CONFIRMATIONS },
        { code: 'USDC', confirmations: CONFIRMATIONS, contracts: { anvil: usdc } },
      ]);
      const ledger = new LedgerService(db, { sweepIntervalMs: 0 });
      const wallets = new CustodyWallets(db);
      pool = await registerWatchOnlyWallet(wallets, `eth-pool-${suffix}`, 'ethereum', null);
      own = await registerWatchOnlyWallet(wallets, `eth-${segregated}`, 'ethereum', segregated);
      const addresses = new DepositAddresses(db, wallets, assets, [adapter()], ledger);
      follower = new DepositFollower({
        db,
        adapter: adapter(),
        assets,
        ledger,
        startHeight: (await anvil.height()) + 1,
      });
      const cut = new LedgerCutReader(db);
      snapshots = new SnapshotService(
        db,
        cut,
        new FollowerChainTips(db, ['ethereum']),
        new StaticPriceSource({ quote: 'USD', prices: { ETH: '3000', USDC: '1' } }),
        assets,
      );
      const holdings = new CustodyHoldings(assets, {
        ethereum: new EthereumCustodyHoldings(db, wallets.directory, adapter()),
      });
      reconciliations = new ReconciliationService(
        db,
        snapshots,
        cut,
        holdings,
        new LedgerUnbooked(db, assets, ledger),
        assets,
      );
      segregation = new SegregationService(db, snapshots, holdings, assets);

      for (const [client, user, asset] of [
        [shared, 'alice', 'ETH'],
        [shared, 'alice', 'USDC'],
        [shared, 'bob', 'ETH'],
        [segregated, 'carol', 'ETH'],
      ]) {
        addr[`${user}:${asset}`] = (await addresses.issue({ clientId: client, userId: user, asset })).address.address;
      }
      await follower.syncToTip();
      await anvil.sendEth(addr['alice:ETH'], 3n * ETH);
      await anvil.transferToken(usdc, addr['alice:USDC'], 250n * USD);
      await anvil.sendEth(addr['carol:ETH'], 2n * ETH);
      await anvil.mine(CONFIRMATIONS);
      await anvil.sendEth(addr['bob:ETH'], ETH / 4n); // one block deep: still confirming
      await follower.syncToTip();
    });

    it('deposits credited (one confirming): ETH and USDC balanced, holdings per deposit address and Safe with wallet and client', async () => {
      first = await reconcileNow();
      expect(first.differences).toEqual([]);
      expect(first.status).toBe('balanced');
      expect(byAsset(first, 'ETH')).toMatchObject({
        liabilities: String(5n * ETH),
        onChain: String(5n * ETH + ETH / 4n),
        incoming: String(ETH / 4n),
        coverage: '0',
      });
      expect(byAsset(first, 'USDC')).toMatchObject({
        liabilities: String(250n * USD),
        onChain: String(250n * USD),
        coverage: '0',
        status: 'balanced',
      });
      const report = await segregation.report(first.snapshotId, segregated);
      expect(report.covered).toBe(true);
      expect(report.lines).toEqual([
        {
          asset: 'ETH',
          balances: String(2n * ETH),
          holdings: String(2n * ETH),
          covered: true,
          addresses: [
            { address: own.safeAddress, amount: '0', walletId: own.id },
            { address: addr['carol:ETH'], amount: String(2n * ETH), walletId: own.id },
          ],
        },
        // USDC: the segregated wallet's Safe is listed (empty), and the client owes none.
      ]);
    });

    it("ETH taken out of the segregated client's deposit address behind the ledger: shortfall in the new snapshot, its report not covered, the pool untouched; the first snapshot still balanced", async () => {
      const from = addr['carol:ETH'];
      const before = await anvil.balance(from);
      await anvil.rpc('anvil_impersonateAccount', [from]);
      const hash = await anvil.rpc<string>('eth_sendTransaction', [
        { from, to: anvil.accounts[1], value: '0x' + (ETH / 2n).toString(16) },
      ]);
      expect((await anvil.waitMined(hash)).status).toBe(1);
      await anvil.rpc('anvil_stopImpersonatingAccount', [from]);
      const gone = before - (await anvil.balance(from)); // half an ETH plus the gas it paid
      await anvil.mine(CONFIRMATIONS);
      await follower.syncToTip();

      const rec = await reconcileNow();
      expect(rec.status).toBe('shortfall');
      const shortfall = rec.differences.find((d) => d.kind === 'shortfall')!;
      expect(shortfall).toMatchObject({ asset: 'ETH', amount: String(gone) });
      expect(shortfall.addresses).toEqual(
        expect.arrayContaining([from, addr['alice:ETH'], addr['bob:ETH'], pool.safeAddress, own.safeAddress]),
      );
      expect(byAsset(rec, 'USDC').status).toBe('balanced');

      const report = await segregation.report(rec.snapshotId, segregated);
      expect(report.covered).toBe(false);
      expect(report.lines[0]).toMatchObject({
        asset: 'ETH',
        balances: String(2n * ETH),
        holdings: String(2n * ETH - gone),
        covered: false,
      });
      // The shared wallet's clients: everything they are owed is still held by the pool's addresses.
      const owed = (await snapshots.balances(rec.snapshotId, null, 100))
        .filter((b) => b.clientId === shared && b.asset === 'ETH')
        .reduce((s, b) => s + b.balance, 0n);
      expect(owed).toBe(3n * ETH + ETH / 4n);
      const poolHeld = await Promise.all(
        [addr['alice:ETH'], addr['bob:ETH'], pool.safeAddress!].map((a) => anvil.balance(a)),
      );
      expect(poolHeld.reduce((s, v) => s + v, 0n)).toBe(owed);

      const again = await reconciliations.reconcile(first.snapshotId);
      expect(again.status).toBe('balanced');
      expect(byAsset(again, 'ETH')).toMatchObject({ onChain: String(5n * ETH + ETH / 4n), incoming: String(ETH / 4n) });
    });
  },
);
