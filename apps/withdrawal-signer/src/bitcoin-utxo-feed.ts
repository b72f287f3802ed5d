import { Logger } from '@nestjs/common';
import type { BitcoinAdapter } from '@strongroom/chains-bitcoin';
import { CustodyWallets, toChainWallet, watchedAddress } from '@strongroom/deposits';
import type { Database } from '@strongroom/persistence';

type FedAdapter = Pick<BitcoinAdapter, 'tip' | 'block' | 'watch' | 'changeAddress' | 'custodyUtxos' | 'loadUtxos'>;

/**
 * Keeps a standalone withdrawal signer's Bitcoin adapter fed. The adapter learns the custody UTXO
 * set only from blocks it reads; in the embedded app the deposit follower shares the instance, but
 * a signer on its own reads nothing, so it could not spend. This watches every deposit address and
 * every wallet's change address, reads blocks from the first deposit up to the tip, then follows
 * the tip. A deposit address issued later whose deposits lie in blocks already read: those blocks
 * are replayed on a scratch adapter watching only the new addresses (re-reading a block on the
 * signer's own adapter is a no-op for its tracker) and the UTXOs found are loaded into it.
 * (Deposit addresses are read from the deposits schema: no deposits service lists them across
 * clients yet.)
 */
export class BitcoinUtxoFeed {
  private readonly logger = new Logger('BitcoinUtxoFeed');
  private lastAddressId = 0n;
  private watchedChange = new Set<string>();
  private next: number | undefined;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly db: Database,
    private readonly adapter: FedAdapter,
    /** A fresh adapter on the same node, for replaying blocks already read. */
    private readonly scratch: () => FedAdapter,
    private readonly pollMs = 5000,
  ) {}

  /** Watches new addresses and reads every block up to the tip; returns the blocks read. */
  async sync(): Promise<number> {
    for (const w of await new CustodyWallets(this.db).list('bitcoin')) {
      if (this.watchedChange.has(w.id)) continue;
      const change = this.adapter.changeAddress(toChainWallet(w));
      this.adapter.watch([
        { address: change.address, script: change.locator, derivation: change.derivation, ref: `change:${w.id}` },
      ]);
      this.watchedChange.add(w.id);
    }
    const fresh = await this.db.query<{
      id: string;
      address: string;
      locator: string;
      derivation: string;
      first: number | null;
    }>(
      `SELECT a.id::text AS id, a.address, a.locator, a.derivation,
              (SELECT min(d.block_height) FROM deposits.deposits d WHERE d.address = a.address AND d.chain = 'bitcoin') AS first
         FROM deposits.addresses a WHERE a.chain = 'bitcoin' AND a.id > $1 ORDER BY a.id`,
      [this.lastAddressId.toString()],
    );
    if (fresh.length > 0) {
      const watched = fresh.map((a) => watchedAddress('bitcoin', a));
      this.adapter.watch(watched);
      this.lastAddressId = BigInt(fresh[fresh.length - 1].id);
      const earliest = Math.min(...fresh.map((a) => (a.first === null ? Infinity : Number(a.first))));
      if (this.next === undefined) {
        if (Number.isFinite(earliest)) this.next = earliest;
      } else if (earliest < this.next) {
        const replay = this.scratch();
        replay.watch(watched);
        for (let h = earliest; h < this.next; h++) await replay.block(h);
        this.adapter.loadUtxos(replay.custodyUtxos());
      }
    }
    const tip = (await this.adapter.tip()).height;
    if (this.next === undefined) this.next = tip + 1;
    let read = 0;
    for (; this.next <= tip; this.next++, read++) await this.adapter.block(this.next);
    return read;
  }

  start(): void {
    const tick = () => {
      this.running = this.sync()
        .catch((err: unknown) =>
          this.logger.error(`reading Bitcoin blocks for the custody UTXO set failed: ${String(err)}`),
        )
        .finally(() => {
          this.running = undefined;
          if (this.timer !== undefined) this.timer = setTimeout(tick, this.pollMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
