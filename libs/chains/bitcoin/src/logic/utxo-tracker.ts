import type { CustodyUtxo } from './custody-utxo';
import type { TrackedOutpoints } from './scan-block';
import { ScriptSet } from './script-set';

interface AppliedBlock {
  hash: string;
  added: [string, CustodyUtxo][];
  removed: [string, CustodyUtxo][];
}

/**
 * The custody UTXO set as of the blocks applied, in memory. Each block's changes are kept so a
 * block replaced at the same height (a reorg) is undone before its replacement is applied.
 * Applying the same block twice is a no-op, so a follower may re-read heights freely.
 */
export class UtxoTracker implements TrackedOutpoints {
  private readonly utxos = new Map<string, CustodyUtxo>();
  /** Every outpoint ever tracked, as 36 raw bytes: the scan's allocation-free pre-check. */
  private readonly seen = new ScriptSet(1024);
  private readonly applied = new Map<number, AppliedBlock>();

  constructor(private readonly keepHeights = 1000) {}

  get size(): number {
    return this.utxos.size;
  }

  mayContain(raw: Uint8Array, start: number): boolean {
    return this.seen.has(raw, start, start + 36);
  }

  has(key: string): boolean {
    return this.utxos.has(key);
  }

  get(key: string): CustodyUtxo | undefined {
    return this.utxos.get(key);
  }

  all(): CustodyUtxo[] {
    return [...this.utxos.values()];
  }

  /** Seeds outputs known from elsewhere (a persisted set, a rescan). */
  load(entries: [string, CustodyUtxo][]): void {
    for (const [k, u] of entries) this.set(k, u);
  }

  private set(key: string, utxo: CustodyUtxo): void {
    const [hash, index] = key.split(':');
    const raw = Buffer.alloc(36);
    Buffer.from(hash, 'hex').copy(raw);
    raw.writeUInt32LE(Number(index), 32);
    this.seen.add(raw);
    this.utxos.set(key, utxo);
  }

  /** Applies one block's created and spent custody outputs at `height`. */
  apply(height: number, hash: string, created: [string, CustodyUtxo][], spent: string[]): void {
    const current = this.applied.get(height);
    if (current?.hash === hash) return;
    this.rollbackFrom(height);
    const removed: [string, CustodyUtxo][] = [];
    for (const [k, u] of created) this.set(k, u);
    for (const k of spent) {
      const u = this.utxos.get(k);
      if (u) {
        removed.push([k, u]);
        this.utxos.delete(k);
      }
    }
    this.applied.set(height, { hash, added: created, removed });
    this.applied.delete(height - this.keepHeights);
  }

  /** Undoes every applied block at `height` or above, highest first. */
  rollbackFrom(height: number): void {
    const heights = [...this.applied.keys()].filter((h) => h >= height).sort((a, b) => b - a);
    for (const h of heights) {
      const block = this.applied.get(h);
      if (!block) continue;
      for (const [k] of block.added) this.utxos.delete(k);
      for (const [k, u] of block.removed) this.set(k, u);
      this.applied.delete(h);
    }
  }
}
