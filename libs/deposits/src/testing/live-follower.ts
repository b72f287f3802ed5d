import type { ChainAdapter } from '@strongroom/chains-core';
import { LedgerService } from '@strongroom/ledger';
import type { Database } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import type { ChainId } from '@strongroom/shared-types';
import { DepositAddresses } from '../addresses/deposit-addresses';
import { DepositQueries } from '../deposit-queries';
import { DepositFollower, type DepositFollowerOptions } from '../follower/deposit-follower';
import { CustodyWallets } from '../wallets/custody-wallets';
import { registerWatchOnlyWallet } from './watch-only-wallet';

/** Thrown at the checkpoint a spec set in `killAt`: the follower's process dies there. */
export class Killed extends Error {}

export interface LiveFollowerOptions {
  assets: AssetRegistry;
  /** A fresh adapter to the live node (regtest, anvil), as a newly started process makes one. */
  adapter: () => ChainAdapter;
  /** Where a follower with no saved state starts: just above the node's current tip. */
  startHeight: () => number | Promise<number>;
  /** The watch-only hot wallet the deposit addresses derive from. */
  wallet: { id: string; chain: ChainId };
}

/**
 * A deposit follower on a live chain node over one database (real adapter, ledger and tables),
 * for one random client, that can be killed at a checkpoint and restarted from the database.
 */
export class LiveFollower {
  readonly client = `c${Math.random().toString(36).slice(2, 8)}`;
  readonly ledger: LedgerService;
  readonly queries: DepositQueries;
  follower!: DepositFollower;
  killAt: string | undefined;
  private addresses!: DepositAddresses;

  private constructor(
    private readonly db: Database,
    private readonly o: LiveFollowerOptions,
  ) {
    this.ledger = new LedgerService(db);
    this.queries = new DepositQueries(db, o.assets);
  }

  /** Registers the wallet, starts a follower and syncs it to the tip. */
  static async open(db: Database, o: LiveFollowerOptions): Promise<LiveFollower> {
    const live = new LiveFollower(db, o);
    const wallets = new CustodyWallets(db);
    await registerWatchOnlyWallet(wallets, o.wallet.id, o.wallet.chain);
    live.addresses = new DepositAddresses(db, wallets, o.assets, [o.adapter()], live.ledger);
    live.follower = await live.startFollower();
    await live.follower.syncToTip();
    return live;
  }

  /** A follower as a freshly started process builds it: new adapter (empty watch set), state from the database. */
  async startFollower(options: Partial<DepositFollowerOptions> = {}): Promise<DepositFollower> {
    return new DepositFollower({
      db: this.db,
      adapter: this.o.adapter(),
      assets: this.o.assets,
      ledger: this.ledger,
      startHeight: await this.o.startHeight(),
      checkpoint: (point) => {
        if (point === this.killAt) {
          this.killAt = undefined;
          throw new Killed(point);
        }
      },
      ...options,
    });
  }

  async balance(user: string, asset: string): Promise<bigint> {
    const a = await this.ledger.findAccount({ clientId: this.client, ownerId: user, asset, kind: 'user' });
    if (!a) return 0n;
    const b = await this.ledger.balances(a.id);
    return b.creditsPosted - b.debitsPosted;
  }

  async addressOf(user: string, asset: string): Promise<string> {
    return (await this.addresses.issue({ clientId: this.client, userId: user, asset })).address.address;
  }

  depositsOf(txid: string): ReturnType<DepositQueries['deposits']> {
    return this.queries.deposits({ txid });
  }
}
