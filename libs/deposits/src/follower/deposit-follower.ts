import type { BlockRef, ChainAdapter, ChainBlock } from '@strongroom/chains-core';
import type { Database, Tx } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import { domainError } from '@strongroom/shared-types';
import { DepositErrors } from '../deposits.errors';
import type { LedgerPort } from '../ledger-port';
import { DepositBook, type BookCheckpoint } from './deposit-book';
import type { FollowerLock } from './follower-lock';
import { watchedAddress } from '../addresses/watched-address';
import { followerEvents, followerHeight, observeTip, OpenDepositsGauge } from './follower-metrics';
import { vanishOptionsFor, VanishedDeposits, type VanishOptions } from './vanished-deposits';
import type { AuditLog } from '@strongroom/audit';
import { stopWithin, type StopOutcome } from '@strongroom/shared-http';

export interface FollowerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface DepositFollowerOptions {
  db: Database;
  adapter: ChainAdapter;
  assets: AssetRegistry;
  ledger: LedgerPort;
  /** Leadership across replicas; absent = always lead (tests, single process). */
  lock?: FollowerLock;
  /** First block to process when no cursor exists yet (default: the tip at first start). */
  startHeight?: number;
  /** Block hashes kept for the reorg walk-back; a deeper reorg stops the follower with an error. */
  keepBlocks?: number;
  /** Pause when caught up (and after an error). */
  pollMs?: number;
  /** Test hook: called at named points; throwing there simulates a crash at that point. */
  checkpoint?: BookCheckpoint;
  clock?: () => Date;
  logger?: FollowerLogger;
  /** When given, every reversal of a credited deposit and every vanished deposit dropped is recorded in the audit log. */
  audit?: Pick<AuditLog, 'append'>;
  /**
   * Seen deposits whose transaction vanished (neither in the mempool nor on chain): dropped after
   * `dropAfterMs` missing (default 24 h; 10 min on dev chains), a few checked per idle step.
   */
  vanish?: Partial<VanishOptions>;
}

export type StepResult =
  | { kind: 'block'; height: number; hash: string }
  | { kind: 'reorg'; forkHeight: number; depth: number }
  | { kind: 'idle'; height: number }
  | { kind: 'retry'; reason: string };

interface Cursor {
  height: number;
  hash: string;
}

/** The cursor moved under us (another replica, or a restart raced): redo the step from the database. */
class CursorMoved extends Error {}
/** A deposit address was committed after the watch set was loaded: reload it and fetch the block again. */
class WatchSetStale extends Error {}

const silent: FollowerLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Follows one chain block by block and turns transfers to deposit addresses into deposits.
 * Each step is one database transaction that moves the cursor (compare-and-set on height and
 * hash), so a crash anywhere leaves either the whole step or none of it, and two followers can
 * never apply the same block twice. Reorgs are detected from parentHash and walked back to the
 * fork point using the stored block hashes.
 */
export class DepositFollower {
  readonly chain: ChainAdapter['chain'];
  private readonly book: DepositBook;
  private readonly vanished: VanishedDeposits;
  private readonly open: OpenDepositsGauge;
  private readonly keepBlocks: number;
  private readonly pollMs: number;
  private readonly clock: () => Date;
  private readonly logger: FollowerLogger;
  private readonly checkpoint: BookCheckpoint;
  private lastAddressId = 0n;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(private readonly o: DepositFollowerOptions) {
    this.chain = o.adapter.chain;
    this.keepBlocks = o.keepBlocks ?? 1000;
    this.pollMs = o.pollMs ?? 2000;
    this.clock = o.clock ?? (() => new Date());
    this.logger = o.logger ?? silent;
    this.checkpoint = o.checkpoint ?? (() => undefined);
    this.book = new DepositBook(this.chain, o.assets, o.ledger, this.checkpoint, this.clock, o.audit);
    const vanish = vanishOptionsFor(o.adapter.network, o.vanish);
    this.vanished = new VanishedDeposits(
      o.db,
      this.chain,
      o.adapter,
      vanish,
      this.clock,
      (tx, seq, since) => this.book.dropVanished(tx, seq, since),
      o.audit,
    );
    this.open = new OpenDepositsGauge(o.db, this.chain, this.clock);
  }

  /** One unit of progress: apply the next block, handle a reorg, or (caught up) settle and scan the mempool. */
  async step(): Promise<StepResult> {
    await this.refreshWatched();
    const tip = await this.o.adapter.tip();
    const cursor = await this.cursor(tip);
    observeTip(this.chain, tip.height, cursor.height, this.clock());
    try {
      if (tip.height > cursor.height) {
        const next = await this.o.adapter.block(cursor.height + 1);
        await this.checkpoint('block-fetched');
        if (cursor.height < 0 || next.parentHash === cursor.hash) {
          await this.apply(cursor, next, tip.height);
          return { kind: 'block', height: next.height, hash: next.hash };
        }
        return await this.reorg(cursor, tip);
      }
      if (tip.height === cursor.height && tip.hash === cursor.hash) {
        await this.idle(cursor);
        return { kind: 'idle', height: cursor.height };
      }
      return await this.reorg(cursor, tip);
    } catch (err) {
      if (err instanceof CursorMoved || err instanceof WatchSetStale)
        return { kind: 'retry', reason: err.constructor.name };
      throw err;
    }
  }

  /** Steps until caught up with the tip (tests, catch-up tooling). */
  async syncToTip(maxSteps = 100_000): Promise<StepResult[]> {
    const results: StepResult[] = [];
    for (let i = 0; i < maxSteps; i++) {
      const r = await this.step();
      results.push(r);
      if (r.kind === 'idle') return results;
    }
    throw new Error(`${this.chain} follower did not reach the tip in ${maxSteps} steps`);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      let leading = false;
      while (this.running) {
        let pause = 0;
        try {
          const lead = this.o.lock ? await this.o.lock.acquire() : true;
          if (lead !== leading)
            this.logger.log(
              `${this.chain} follower ${lead ? 'is now the leader' : 'is standing by (another replica leads)'}`,
            );
          leading = lead;
          if (!lead) pause = this.pollMs;
          else {
            const r = await this.step();
            if (r.kind === 'reorg')
              this.logger.warn(`${this.chain} reorg: back to height ${r.forkHeight} (depth ${r.depth})`);
            if (r.kind === 'idle') pause = this.pollMs;
          }
        } catch (err) {
          followerEvents.inc({ chain: this.chain, event: 'error' });
          this.logger.error(`${this.chain} follower step failed: ${err instanceof Error ? err.message : String(err)}`);
          pause = this.pollMs;
        }
        if (pause > 0 && this.running) await this.sleep(pause);
      }
      await this.o.lock?.release().catch(() => undefined);
    })();
  }

  /** Starts no new step and waits for the one in progress, at most `boundMs` (then shutdown goes on without it). */
  async stop(boundMs?: number): Promise<StopOutcome> {
    this.running = false;
    this.wake?.();
    return stopWithin(`${this.chain} deposit follower`, this.loop, boundMs);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  /** Teaches the adapter every deposit address committed since the last load (any replica may issue them). */
  private async refreshWatched(): Promise<void> {
    for (;;) {
      const rows = await this.o.db.query<{ id: string; address: string; locator: string; derivation: string }>(
        `SELECT id, address, locator, derivation FROM deposits.addresses WHERE chain = $1 AND id > $2 ORDER BY id LIMIT 10000`,
        [this.chain, this.lastAddressId.toString()],
      );
      if (rows.length === 0) return;
      this.o.adapter.watch(rows.map((r) => watchedAddress(this.chain, r)));
      this.lastAddressId = BigInt(rows[rows.length - 1].id);
    }
  }

  private async cursor(tip: BlockRef): Promise<Cursor> {
    const [row] = await this.o.db.query<{ height: number; hash: string }>(
      'SELECT height, hash FROM deposits.cursors WHERE chain = $1',
      [this.chain],
    );
    if (row) return { height: Number(row.height), hash: row.hash };
    const start = Math.min(this.o.startHeight ?? tip.height, tip.height + 1);
    const base = start > 0 ? await this.o.adapter.block(start - 1) : null;
    await this.o.db.transaction(async (tx) => {
      const inserted = await tx.query(
        `INSERT INTO deposits.cursors (chain, height, hash, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (chain) DO NOTHING RETURNING chain`,
        [this.chain, base ? base.height : -1, base ? base.hash : '', this.clock()],
      );
      if (inserted.length && base) await this.storeBlock(tx, base);
    });
    this.logger.log(`${this.chain} follower starts at height ${start}`);
    return this.cursor(tip);
  }

  private async apply(cursor: Cursor, block: ChainBlock, tipHeight: number): Promise<void> {
    const done = await this.o.db.transaction(async (tx) => {
      await this.moveCursor(tx, cursor, { height: block.height, hash: block.hash });
      const [{ max }] = await tx.query<{ max: string }>(
        'SELECT COALESCE(MAX(id), 0) AS max FROM deposits.addresses WHERE chain = $1',
        [this.chain],
      );
      if (BigInt(max) > this.lastAddressId) throw new WatchSetStale();
      await this.storeBlock(tx, block);
      await this.book.recordBlock(tx, block);
      const credited = await this.book.creditDeep(tx, block.height);
      const settled = await this.book.settleOrphans(tx, block.height, tipHeight);
      await this.checkpoint('before-commit');
      return { credited, ...settled };
    });
    followerHeight.set({ chain: this.chain }, block.height);
    followerEvents.inc({ chain: this.chain, event: 'block' });
    this.count(done);
    await this.checkpoint('after-commit');
  }

  private count(done: { credited?: number; dropped: number; reversed: number }): void {
    if (done.credited) followerEvents.inc({ chain: this.chain, event: 'credited' }, done.credited);
    if (done.dropped) followerEvents.inc({ chain: this.chain, event: 'dropped' }, done.dropped);
    if (done.reversed) followerEvents.inc({ chain: this.chain, event: 'reversed' }, done.reversed);
  }

  private async reorg(cursor: Cursor, tip: BlockRef): Promise<StepResult> {
    const stored = await this.o.db.query<{ height: number; hash: string }>(
      'SELECT height, hash FROM deposits.blocks WHERE chain = $1 AND height <= $2 ORDER BY height DESC',
      [this.chain, Math.min(cursor.height, tip.height)],
    );
    let fork: Cursor | undefined;
    for (const s of stored) {
      const actual = await this.o.adapter.block(Number(s.height));
      if (actual.hash === s.hash) {
        fork = { height: Number(s.height), hash: s.hash };
        break;
      }
    }
    if (!fork) {
      throw domainError(
        DepositErrors['deposits.reorg_too_deep'],
        `${this.chain}: no stored block hash at or below height ${cursor.height} is on the chain any more; the reorg is deeper than the ${this.keepBlocks} blocks kept`,
      );
    }
    const forkPoint = fork;
    await this.checkpoint('fork-found');
    await this.o.db.transaction(async (tx) => {
      await this.moveCursor(tx, cursor, forkPoint);
      await tx.query('DELETE FROM deposits.blocks WHERE chain = $1 AND height > $2', [this.chain, forkPoint.height]);
      // Decide on the orphans only once the follower is back where the chain was when the reorg was seen.
      await this.book.orphanAbove(tx, forkPoint.height, Math.max(cursor.height, tip.height));
      await this.checkpoint('before-commit');
    });
    followerHeight.set({ chain: this.chain }, forkPoint.height);
    followerEvents.inc({ chain: this.chain, event: 'reorg' });
    await this.checkpoint('after-commit');
    return { kind: 'reorg', forkHeight: forkPoint.height, depth: cursor.height - forkPoint.height };
  }

  private async idle(cursor: Cursor): Promise<void> {
    // Caught up: nothing deeper is coming, so orphans still missing are settled now.
    this.count(
      await this.o.db.transaction(async (tx) => {
        await this.holdCursor(tx, cursor);
        return this.book.settleOrphans(tx, cursor.height, cursor.height);
      }),
    );
    const pool = await this.o.adapter.mempool();
    if (pool.length > 0) {
      await this.o.db.transaction(async (tx) => {
        await this.holdCursor(tx, cursor);
        await this.book.recordMempool(tx, pool);
      });
    }
    await this.dropVanished(cursor);
    await this.open.refresh();
  }

  /** A bounded round of presence checks of old `seen` deposits; drops those missing too long. */
  private async dropVanished(cursor: Cursor): Promise<void> {
    const round = await this.vanished.round(cursor, (tx) => this.holdCursor(tx, cursor));
    if (round.dropped.length === 0) return;
    this.count({ dropped: round.dropped.length, reversed: 0 });
    followerEvents.inc({ chain: this.chain, event: 'vanished' }, round.dropped.length);
    for (const d of round.dropped) {
      this.logger.warn(
        `${this.chain} deposit ${d.txid}:${d.output_index} (${d.amount} ${d.asset} to ${d.address}) dropped: its transaction has been neither in the mempool nor on chain since ${d.missing_since}; never credited`,
      );
    }
  }

  private async moveCursor(tx: Tx, from: Cursor, to: Cursor): Promise<void> {
    const moved = await tx.query(
      'UPDATE deposits.cursors SET height = $4, hash = $5, updated_at = $6 WHERE chain = $1 AND height = $2 AND hash = $3 RETURNING chain',
      [this.chain, from.height, from.hash, to.height, to.hash, this.clock()],
    );
    if (moved.length !== 1) throw new CursorMoved();
  }

  private async holdCursor(tx: Tx, at: Cursor): Promise<void> {
    const rows = await tx.query(
      'SELECT chain FROM deposits.cursors WHERE chain = $1 AND height = $2 AND hash = $3 FOR UPDATE',
      [this.chain, at.height, at.hash],
    );
    if (rows.length !== 1) throw new CursorMoved();
  }

  private async storeBlock(tx: Tx, b: BlockRef): Promise<void> {
    await tx.query(
      `INSERT INTO deposits.blocks (chain, height, hash, parent_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (chain, height) DO UPDATE SET hash = EXCLUDED.hash, parent_hash = EXCLUDED.parent_hash`,
      [this.chain, b.height, b.hash, b.parentHash],
    );
    await tx.query('DELETE FROM deposits.blocks WHERE chain = $1 AND height < $2', [
      this.chain,
      b.height - this.keepBlocks,
    ]);
  }
}
