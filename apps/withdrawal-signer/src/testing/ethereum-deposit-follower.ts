// Test fixture (not part of the app): the deposits context beside a token custody app, so deposits
// reach the Safe's deposit addresses through the real follower (and sweeps have something to sweep).
import { CustodyWallets, DepositAddresses, DepositFollower } from '@strongroom/deposits';
import type { TokenCustodyApp } from './ethereum-token-custody';

export interface EthereumDepositFollower {
  addresses: DepositAddresses;
  follower: DepositFollower;
}

/**
 * Registers the wallet the app serves `clientId` from as a deposits custody wallet (the app's
 * Safe and relayer) and starts a follower at the next block.
 */
export async function followEthereumDeposits(app: TokenCustodyApp, clientId: string): Promise<EthereumDepositFollower> {
  const { t, custody, anvil } = app;
  const wallet = await t.deps.wallets.walletFor('ethereum', clientId);
  const wallets = new CustodyWallets(t.tdb.db);
  await wallets.register({
    id: wallet.id,
    chain: 'ethereum',
    clientId: null,
    threshold: 2,
    publicKeys: wallet.publicKeys,
    safeAddress: custody.safe,
    relayerAddress: wallet.relayerAddress,
  });
  return {
    addresses: new DepositAddresses(t.tdb.db, wallets, t.deps.assets, [custody.adapter], t.ledger),
    follower: new DepositFollower({
      db: t.tdb.db,
      adapter: custody.adapter,
      assets: t.deps.assets,
      ledger: t.ledger,
      startHeight: (await anvil.height()) + 1,
    }),
  };
}
