import { createHash } from 'node:crypto';
import type { ChainId } from '@strongroom/shared-types';
import type { Prng } from '../prng';

export interface SimOutput {
  address: string;
  asset: string;
  amount: bigint;
  /** Withdrawal outputs: the withdrawal id the output pays (the intended output's ref). */
  ref?: string;
}

/** A transaction of the simulated network: a deposit paid by a user, or a withdrawal batch we signed. */
export interface SimTx {
  txid: string;
  outputs: SimOutput[];
  /** Set on withdrawal transactions: the batch whose stored bytes these are. */
  batchId?: string;
  fee: bigint;
}

export interface SimBlock {
  height: number;
  hash: string;
  parentHash: string;
  time: number;
  txs: SimTx[];
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * One simulated chain: a main chain of blocks, a mempool, and the faults a real network has —
 * transactions mined late or never (evicted), reorgs that replace the top blocks. Everything it
 * does is driven by the simulation's seeded PRNG, so one seed gives the same chain every time.
 * It outlives every simulated crash: it is the outside world, not part of our process.
 */
export class SimChain {
  readonly blocks: SimBlock[];
  mempool: SimTx[] = [];
  /** Every transaction ever sent to the node (a broadcast of known bytes is "already known"). */
  readonly everSeen = new Map<string, SimTx>();
  private counter = 0;

  constructor(
    readonly chain: ChainId,
    private readonly rng: Prng,
  ) {
    this.blocks = [{ height: 0, hash: sha(`${chain}:genesis`), parentHash: '0'.repeat(64), time: 0, txs: [] }];
  }

  get tip(): SimBlock {
    return this.blocks[this.blocks.length - 1];
  }

  /** The node accepts a transaction into its mempool (true when it is new there). */
  accept(tx: SimTx): boolean {
    this.everSeen.set(tx.txid, tx);
    if (this.heightOf(tx.txid) !== null || this.mempool.some((t) => t.txid === tx.txid)) return false;
    this.mempool.push(tx);
    return true;
  }

  /** Mines one block at `time`; each mempool transaction gets in with probability `pInclude` (the rest wait). */
  mine(time: number, pInclude = 0.9): SimBlock {
    const txs = this.mempool.filter(() => this.rng.chance(pInclude));
    return this.append(time, txs);
  }

  /** Evicts one mempool transaction (a node restart, mempool expiry); returns it. */
  evictOne(filter: (tx: SimTx) => boolean = () => true): SimTx | null {
    const candidates = this.mempool.filter(filter);
    if (candidates.length === 0) return null;
    const victim = this.rng.pick(candidates);
    this.mempool = this.mempool.filter((t) => t !== victim);
    return victim;
  }

  /**
   * Replaces the top `depth` blocks with `depth + extra` new ones. Each orphaned transaction is
   * re-mined in the new branch, put back in the mempool, or (with `pLose`) lost altogether.
   */
  reorg(depth: number, extra: number, time: number, pLose = 0.1): { orphaned: SimTx[] } {
    if (depth >= this.blocks.length) depth = this.blocks.length - 1;
    const removed = this.blocks.splice(this.blocks.length - depth, depth);
    const orphaned = removed.flatMap((b) => b.txs);
    const pool = [...orphaned, ...this.mempool];
    this.mempool = [];
    const remaining: SimTx[] = [];
    for (const tx of pool) (this.rng.chance(pLose) && orphaned.includes(tx) ? [] : remaining).push(tx);
    for (let i = 0; i < depth + extra; i++) {
      const take = remaining.filter(() => this.rng.chance(0.5));
      this.append(time, take);
      for (const t of take) remaining.splice(remaining.indexOf(t), 1);
    }
    this.mempool = remaining;
    return { orphaned };
  }

  heightOf(txid: string): number | null {
    for (let i = this.blocks.length - 1; i >= 0; i--)
      if (this.blocks[i].txs.some((t) => t.txid === txid)) return this.blocks[i].height;
    return null;
  }

  /** Depth of a mined transaction (1 = in the tip), 0 when it is not on the main chain. */
  depth(txid: string): number {
    const h = this.heightOf(txid);
    return h === null ? 0 : this.tip.height - h + 1;
  }

  inMempool(txid: string): boolean {
    return this.mempool.some((t) => t.txid === txid);
  }

  /** Main-chain transactions paying withdrawal `ref`, with their depth. */
  payments(ref: string): { txid: string; depth: number }[] {
    const out: { txid: string; depth: number }[] = [];
    for (const b of this.blocks) {
      for (const t of b.txs)
        if (t.outputs.some((o) => o.ref === ref)) out.push({ txid: t.txid, depth: this.tip.height - b.height + 1 });
    }
    return out;
  }

  private append(time: number, txs: SimTx[]): SimBlock {
    const parent = this.tip;
    const block: SimBlock = {
      height: parent.height + 1,
      hash: sha(`${this.chain}:${++this.counter}:${parent.hash}`),
      parentHash: parent.hash,
      time: Math.floor(time / 1000),
      txs,
    };
    this.blocks.push(block);
    const mined = new Set(txs.map((t) => t.txid));
    this.mempool = this.mempool.filter((t) => !mined.has(t.txid));
    return block;
  }
}
