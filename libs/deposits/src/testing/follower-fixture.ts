import { AuditLog } from '@strongroom/audit';
import { LedgerService } from '@strongroom/ledger';
import type { Database } from '@strongroom/persistence';
import { AssetRegistry } from '@strongroom/shared-assets';
import type { ChainId } from '@strongroom/shared-types';
import { DepositAddresses } from '../addresses/deposit-addresses';
import { DepositQueries } from '../deposit-queries';
import { DepositFollower, type DepositFollowerOptions } from '../follower/deposit-follower';
import { CustodyWallets } from '../wallets/custody-wallets';
import { ScriptedChain } from './scripted-chain';

export const TEST_KEYS = ['02' + '11'.repeat(32), '03' + '22'.repeat(32), '02' + '33'.repeat(32)];

/** Everything a follower test needs over one database: a scripted chain, real ledger, real tables. */
export class FollowerFixture {
  readonly assets = new AssetRegistry().withAssets([
    { code: 'BTC', confirmations: 3 },
    { code: 'ETH', confirmations: 4 },
  ]);
  readonly ledger: LedgerService;
  readonly wallets: CustodyWallets;
  readonly queries: DepositQueries;
  readonly chain: ScriptedChain;
  adapter: ReturnType<ScriptedChain['adapter']>;
  addresses: DepositAddresses;

  constructor(
    readonly db: Database,
    chainId: ChainId = 'bitcoin',
    salt = 'chain',
  ) {
    this.ledger = new LedgerService(db);
    this.wallets = new CustodyWallets(db);
    this.queries = new DepositQueries(db, this.assets);
    this.chain = new ScriptedChain(chainId, salt);
    this.adapter = this.chain.adapter();
    this.addresses = new DepositAddresses(db, this.wallets, this.assets, [this.adapter], this.ledger);
  }

  async registerOperatorWallet(id = `${this.chain.chain}-operator`): Promise<void> {
    await this.wallets.register({ id, chain: this.chain.chain, clientId: null, threshold: 2, publicKeys: TEST_KEYS });
  }

  /** A follower as a freshly started process would build it: new adapter view, empty watch set. */
  follower(options: Partial<DepositFollowerOptions> = {}): DepositFollower {
    this.adapter = this.chain.adapter();
    return new DepositFollower({
      db: this.db,
      adapter: this.adapter,
      assets: this.assets,
      ledger: this.ledger,
      startHeight: 1,
      audit: new AuditLog(this.db),
      ...options,
    });
  }

  async address(clientId: string, userId: string, asset = 'BTC', fresh = false): Promise<string> {
    return (await this.addresses.issue({ clientId, userId, asset, fresh })).address.address;
  }

  async userBalance(clientId: string, userId: string, asset = 'BTC'): Promise<bigint> {
    const acct = await this.ledger.findAccount({ clientId, ownerId: userId, asset, kind: 'user' });
    if (!acct) return 0n;
    const b = await this.ledger.balances(acct.id);
    return b.creditsPosted - b.debitsPosted;
  }

  /** Which of these ledger transfer ids exist (through the ledger's API, not its tables). */
  async existingTransfers(ids: string[]): Promise<string[]> {
    const found: string[] = [];
    for (const id of ids) {
      try {
        await this.ledger.getTransfer(id);
        found.push(id);
      } catch {
        /* not found */
      }
    }
    return found;
  }

  async events(subjectPrefix: string): Promise<{ type: string; subject: string; body: string }[]> {
    return this.db.query(`SELECT type, subject, body FROM events.outbox WHERE subject LIKE $1 ORDER BY seq`, [
      `${subjectPrefix}%`,
    ]);
  }
}
