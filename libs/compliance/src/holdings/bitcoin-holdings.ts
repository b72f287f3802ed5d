import type { BitcoinAdapter } from '@strongroom/chains-bitcoin';
import { watchedAddress } from '@strongroom/deposits';
import type { Database } from '@strongroom/persistence';
import { toChainWalletView, type WalletDirectory } from '@strongroom/wallets';
import { domainError } from '@strongroom/shared-types';
import { ComplianceErrors } from '../compliance.errors';
import type { ChainHolding, ChainTip } from '../ports';

/** The adapter surface the reader drives (a dedicated instance: its UTXO set is moved to the snapshot height). */
export type ReplayAdapter = Pick<BitcoinAdapter, 'block' | 'watch' | 'changeAddress' | 'custodyUtxos'>;

interface Owner {
  walletId: string;
  clientId: string | null;
}

/**
 * Bitcoin custody holdings at exactly a snapshot's height: the custody UTXO set of a DEDICATED
 * Bitcoin adapter, fed the blocks from the first deposit up to the snapshot height and no
 * further. The follower's adapter cannot be used for this: its set is "now" (outputs spent after
 * the snapshot height are already gone, outputs of blocks the follower has not read yet are
 * missing), so a reconciliation would see withdrawals that happened after the cut as shortfalls.
 *
 * Each UTXO is attributed to its wallet through the address it pays: a deposit address (the
 * wallet it was issued from) or a wallet's change address; holdings are summed per address, with
 * the wallet's client for segregation reports. Later snapshots advance the same set; an older
 * height or a changed block below the applied height replays from the start (rare: reorgs, old
 * snapshots).
 */
export class BitcoinCustodyHoldings {
  private replay: {
    adapter: ReplayAdapter;
    start: number;
    height: number;
    hashes: Map<number, string>;
    lastAddressId: bigint;
  } | null = null;
  private readonly owners = new Map<string, Owner>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly wallets: Pick<WalletDirectory, 'list'>,
    /** Makes a fresh adapter on the same node (the app's config); never the follower's own instance. */
    private readonly newAdapter: () => ReplayAdapter,
  ) {}

  /** Holdings of BTC per custody address at `tip` (empty when nothing was ever deposited). */
  holdings(tip: ChainTip): Promise<ChainHolding[]> {
    // One replay at a time: the adapter's set is shared state.
    const run = this.queue.then(() => this.read(tip));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async read(tip: ChainTip): Promise<ChainHolding[]> {
    const start = await this.firstDepositHeight();
    if (start === null || start > tip.height) return [];
    const replay = await this.syncTo(tip, start);
    const byAddress = new Map<string, bigint>();
    for (const u of replay.adapter.custodyUtxos()) {
      if (u.height < 0 || u.height > tip.height) continue;
      byAddress.set(u.address, (byAddress.get(u.address) ?? 0n) + u.value);
    }
    return [...byAddress.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([address, amount]) => {
        const owner = this.owners.get(address);
        // Every watched script has an owner; an unknown one would mean a script we did not register.
        if (!owner) throw new Error(`custody output to ${address} belongs to no registered wallet`);
        return { address, amount, walletId: owner.walletId, clientId: owner.clientId };
      });
  }

  private async syncTo(tip: ChainTip, start: number): Promise<NonNullable<typeof this.replay>> {
    let r = this.replay;
    // Behind the applied height, an earlier first deposit (the follower caught up on an older
    // block), or the chain changed under what was applied: start again.
    if (r && (r.height > tip.height || start < r.start || !(await this.stillOnChain(r)))) r = null;
    if (!r) {
      r = { adapter: this.newAdapter(), start, height: start - 1, hashes: new Map(), lastAddressId: 0n };
      this.owners.clear();
      this.replay = r;
    }
    const stale = await this.watchNew(r);
    if (stale !== null && stale <= r.height) {
      // A newly watched address had outputs in blocks already applied: replay them all.
      this.replay = null;
      return this.syncTo(tip, start);
    }
    for (let h = r.height + 1; h <= tip.height; h++) {
      const block = await r.adapter.block(h);
      r.hashes.set(h, block.hash);
      r.height = h;
    }
    if (r.hashes.get(tip.height) !== tip.hash) {
      throw domainError(
        ComplianceErrors['reconciliation.chain_changed'],
        `bitcoin block ${tip.height} is no longer ${tip.hash}: the snapshot's chain view was reorganised away`,
        {
          height: tip.height,
          expected: tip.hash,
          actual: r.hashes.get(tip.height),
        },
      );
    }
    return r;
  }

  /** Re-reads the last applied block: a different hash means a reorg below what was applied. */
  private async stillOnChain(r: NonNullable<typeof this.replay>): Promise<boolean> {
    if (r.height < 0 || !r.hashes.has(r.height)) return true;
    const probe = this.newAdapter();
    const hash = (await probe.block(r.height)).hash;
    return hash === r.hashes.get(r.height);
  }

  /**
   * Watches every wallet's change address and the deposit addresses issued since the last call.
   * Returns the lowest block height of a deposit already recorded for a newly watched address
   * (null if none), so the caller can tell whether applied blocks must be read again.
   * No deposits service lists addresses across clients (DepositAddresses.list needs a client),
   * so the table is read here as the follower reads it.
   */
  private async watchNew(r: NonNullable<typeof this.replay>): Promise<number | null> {
    const wallets = await this.wallets.list({ chain: 'bitcoin' });
    for (const w of wallets) {
      const change = r.adapter.changeAddress(toChainWalletView(w));
      if (this.owners.has(change.address)) continue;
      r.adapter.watch([
        { address: change.address, script: change.locator, derivation: change.derivation, ref: `change:${w.id}` },
      ]);
      this.owners.set(change.address, { walletId: w.id, clientId: w.clientId });
    }
    const walletClient = new Map(wallets.map((w) => [w.id, w.clientId]));
    let lowest: number | null = null;
    const firstNew = r.lastAddressId;
    for (;;) {
      const rows = await this.db.query<{
        id: string;
        address: string;
        locator: string;
        derivation: string;
        wallet_id: string;
      }>(
        `SELECT id, address, locator, derivation, wallet_id FROM deposits.addresses WHERE chain = 'bitcoin' AND id > $1 ORDER BY id LIMIT 10000`,
        [r.lastAddressId.toString()],
      );
      if (rows.length === 0) break;
      r.adapter.watch(rows.map((a) => watchedAddress('bitcoin', a)));
      for (const a of rows)
        this.owners.set(a.address, { walletId: a.wallet_id, clientId: walletClient.get(a.wallet_id) ?? null });
      r.lastAddressId = BigInt(rows[rows.length - 1].id);
    }
    if (firstNew > 0n && r.lastAddressId > firstNew) {
      const [row] = await this.db.query<{ h: number | null }>(
        `SELECT min(d.block_height) AS h FROM deposits.deposits d JOIN deposits.addresses a ON a.id = d.address_id WHERE d.chain = 'bitcoin' AND a.id > $1`,
        [firstNew.toString()],
      );
      lowest = row?.h === null || row?.h === undefined ? null : Number(row.h);
    }
    return lowest;
  }

  /** Every custody output is a deposit or the change of a later withdrawal: nothing older can be custody. */
  private async firstDepositHeight(): Promise<number | null> {
    const [row] = await this.db.query<{ h: number | null }>(
      `SELECT min(block_height) AS h FROM deposits.deposits WHERE chain = 'bitcoin'`,
    );
    return row?.h === null || row?.h === undefined ? null : Number(row.h);
  }
}
