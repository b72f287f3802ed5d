import { BitcoinAdapter } from '@strongroom/chains-bitcoin';
import {
  CustodyWallets,
  DepositAddresses,
  DepositFollower,
  depositsContext,
  registerWatchOnlyWallet,
} from '@strongroom/deposits';
import { LedgerService } from '@strongroom/ledger';
import { AssetRegistry } from '@strongroom/shared-assets';
import { describeEachBackend } from '@strongroom/testing';
import { startBitcoinRegtest, type BitcoinRegtest } from '@strongroom/local-services/bitcoin-regtest';
import { BitcoinUtxoFeed } from './bitcoin-utxo-feed';

const BTC = 100_000_000n;
let node: BitcoinRegtest;

beforeAll(async () => {
  node = await startBitcoinRegtest();
});
afterAll(async () => {
  await node?.stop();
});

// A withdrawal signer running on its own (no deposit follower in its process) must still know the
// custody UTXOs it can spend: the feed rebuilds them from the deposit addresses and the chain.
describeEachBackend('the standalone signer’s Bitcoin UTXO feed', { contexts: [depositsContext] }, (ctx) => {
  const assets = new AssetRegistry().withAssets([{ code: 'BTC', confirmations: 1 }]);
  const newAdapter = () =>
    new BitcoinAdapter({
      network: 'regtest',
      rpcUrl: node.rpcUrl,
      rpcUser: node.rpcUser,
      rpcPassword: node.rpcPassword,
      feeRate: { min: 1, max: 50, default: 3 },
    });
  const client = `c${Math.random().toString(36).slice(2, 8)}`;
  let addresses: DepositAddresses;
  let follower: DepositFollower;
  let followerAdapter: BitcoinAdapter;
  const outpoints = (a: BitcoinAdapter) =>
    a
      .custodyUtxos()
      .map((u) => `${u.txid}:${u.vout}=${u.value}`)
      .sort();

  beforeAll(async () => {
    const { db } = ctx();
    const ledger = new LedgerService(db);
    const wallets = new CustodyWallets(db);
    await registerWatchOnlyWallet(wallets, `btc-${client}`, 'bitcoin');
    addresses = new DepositAddresses(db, wallets, assets, [newAdapter()], ledger);
    followerAdapter = newAdapter();
    follower = new DepositFollower({
      db,
      adapter: followerAdapter,
      assets,
      ledger,
      startHeight: (await followerAdapter.tip()).height + 1,
    });
  });

  it('rebuilds the custody UTXOs the follower saw, then follows new deposits, including one to an address issued after its block was read', async () => {
    const { db } = ctx();
    const alice = (await addresses.issue({ clientId: client, userId: 'alice', asset: 'BTC' })).address.address;
    await node.fund(alice, 2n * BTC);
    await node.mine(1);
    await follower.syncToTip();

    const signerAdapter = newAdapter();
    const feed = new BitcoinUtxoFeed(db, signerAdapter, newAdapter);
    expect(signerAdapter.custodyUtxos()).toEqual([]);
    await feed.sync();
    expect(outpoints(signerAdapter)).toEqual(outpoints(followerAdapter));
    expect(outpoints(signerAdapter)).toHaveLength(1);

    // Carol is paid at her (deterministic) address before it is issued; the feed reads that block unaware.
    const wallet = (await new CustodyWallets(db).list('bitcoin'))[0];
    const carolFuture = signerAdapter.deriveDepositAddress(
      { id: wallet.id, chain: 'bitcoin', threshold: wallet.threshold, publicKeys: wallet.publicKeys },
      `${client}/carol/BTC/0`,
    ).address;
    await node.fund(carolFuture, 1n * BTC);
    await node.mine(1);
    await feed.sync();
    expect(outpoints(signerAdapter)).toHaveLength(1);
    const carol = (await addresses.issue({ clientId: client, userId: 'carol', asset: 'BTC' })).address.address;
    expect(carol).toBe(carolFuture);
    // The follower, for its part, is told of the address before it reads the block and credits it.
    await follower.syncToTip();
    await feed.sync();
    expect(outpoints(signerAdapter)).toEqual(outpoints(followerAdapter));
    expect(outpoints(signerAdapter)).toHaveLength(2);

    // And it keeps up with the chain without a follower in its process.
    await node.fund(alice, 3n * BTC);
    await node.mine(1);
    await follower.syncToTip();
    await feed.sync();
    expect(outpoints(signerAdapter)).toEqual(outpoints(followerAdapter));
    expect(signerAdapter.custodyUtxos().reduce((s, u) => s + u.value, 0n)).toBe(6n * BTC);
  });
});
