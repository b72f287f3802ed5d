import { createHash } from 'node:crypto';
import type {
  AddressCheck,
  BlockRef,
  ChainAdapter,
  ChainBlock,
  ChainTransfer,
  CustodyWallet,
  DerivedAddress,
  SignedChainTx,
  TxStatus,
  UnsignedChainTx,
  WatchedAddress,
} from '@strongroom/chains-core';
import type { ChainId } from '@strongroom/shared-types';

/**
 * A test double of a chain for the follower's logic: a scripted main chain of blocks that can be
 * extended and forked at will, and a mempool. `adapter()` gives a fresh ChainAdapter view (own
 * watch set, like a restarted process) over the same chain.
 */
export interface ScriptedOutput {
  address: string;
  asset: string;
  amount: bigint;
}

export interface ScriptedTx {
  txid: string;
  outputs: ScriptedOutput[];
}

interface ScriptedBlock extends BlockRef {
  txs: ScriptedTx[];
}

const h = (s: string): string => createHash('sha256').update(s).digest('hex');

export class ScriptedChain {
  readonly blocks: ScriptedBlock[] = [];
  mempool: ScriptedTx[] = [];
  /** While true, `status` throws as a node that does not answer would. */
  nodeDown = false;
  private counter = 0;

  constructor(
    readonly chain: ChainId = 'bitcoin',
    private readonly salt = 'scripted',
  ) {
    this.blocks.push({ height: 0, hash: h(`${salt}:genesis`), parentHash: '0'.repeat(64), txs: [] });
  }

  get tip(): ScriptedBlock {
    return this.blocks[this.blocks.length - 1];
  }

  /** Mines a block holding `txs` (and removes them from the mempool). */
  mine(txs: ScriptedTx[] = []): ScriptedBlock {
    const parent = this.tip;
    const block = {
      height: parent.height + 1,
      hash: h(`${this.salt}:${++this.counter}:${parent.hash}`),
      parentHash: parent.hash,
      txs,
    };
    this.blocks.push(block);
    const mined = new Set(txs.map((t) => t.txid));
    this.mempool = this.mempool.filter((t) => !mined.has(t.txid));
    return block;
  }

  mineEmpty(n: number): void {
    for (let i = 0; i < n; i++) this.mine();
  }

  /**
   * Replaces the top `depth` blocks with `replacement` blocks (each a list of txs). Orphaned txs
   * not in the replacement go back to the mempool unless `evict` says otherwise.
   */
  reorg(
    depth: number,
    replacement: ScriptedTx[][],
    evict: (tx: ScriptedTx) => boolean = () => true,
  ): { orphaned: ScriptedTx[] } {
    if (depth >= this.blocks.length) throw new Error('cannot reorg the genesis block');
    const removed = this.blocks.splice(this.blocks.length - depth, depth);
    for (const txs of replacement) this.mine(txs);
    const kept = new Set(replacement.flat().map((t) => t.txid));
    const orphaned = removed.flatMap((b) => b.txs).filter((t) => !kept.has(t.txid));
    this.mempool.push(...orphaned.filter((t) => !evict(t)));
    return { orphaned };
  }

  /** Where a tx sits on the main chain now, if it does. */
  heightOf(txid: string): number | null {
    for (const b of this.blocks) if (b.txs.some((t) => t.txid === txid)) return b.height;
    return null;
  }

  confirmations(txid: string): number {
    const at = this.heightOf(txid);
    return at === null ? 0 : this.tip.height - at + 1;
  }

  adapter(): ChainAdapter & { calls: number } {
    return new ScriptedAdapter(this);
  }
}

export function fakeAddress(chain: ChainId, wallet: CustodyWallet, tag: string): string {
  const d = h(`${wallet.id}|${wallet.publicKeys.join(',')}|${tag}`);
  return chain === 'bitcoin' ? `bcrt1q${d.slice(0, 58)}` : `0x${d.slice(0, 40)}`;
}

class ScriptedAdapter implements ChainAdapter {
  readonly chain: ChainId;
  readonly network = 'scripted';
  readonly capabilities = {};
  calls = 0;
  private readonly watched = new Set<string>();

  constructor(private readonly data: ScriptedChain) {
    this.chain = data.chain;
  }

  async tip(): Promise<BlockRef> {
    this.calls++;
    const t = this.data.tip;
    return { height: t.height, hash: t.hash, parentHash: t.parentHash };
  }

  async block(height: number): Promise<ChainBlock> {
    this.calls++;
    const b = this.data.blocks[height];
    if (!b) throw new Error(`no block at height ${height}`);
    return { height: b.height, hash: b.hash, parentHash: b.parentHash, transfers: this.match(b.txs) };
  }

  async mempool(): Promise<ChainTransfer[]> {
    this.calls++;
    return this.match(this.data.mempool);
  }

  watch(addresses: WatchedAddress[]): void {
    for (const a of addresses) this.watched.add(a.address.toLowerCase());
  }

  deriveDepositAddress(wallet: CustodyWallet, tag: string): DerivedAddress {
    const address = fakeAddress(this.chain, wallet, tag);
    return { address, locator: h(`locator:${address}`), derivation: `scripted(${wallet.id},${tag})` };
  }

  validateAddress(address: string): AddressCheck {
    return address.length > 10
      ? { ok: true, normalized: address }
      : { ok: false, code: 'address.malformed', reason: 'too short' };
  }

  buildWithdrawal(): Promise<UnsignedChainTx> {
    throw new Error('not scripted');
  }
  checkIntent(): void {
    throw new Error('not scripted');
  }
  finalize(): Promise<SignedChainTx> {
    throw new Error('not scripted');
  }
  broadcast(): Promise<{ txid: string; alreadyKnown: boolean }> {
    throw new Error('not scripted');
  }
  /** Where a transaction is: in the mempool, on the main chain, or nowhere (`unknown`). */
  async status(txid: string): Promise<TxStatus> {
    this.calls++;
    if (this.data.nodeDown) throw new Error('scripted node is not answering');
    if (this.data.mempool.some((t) => t.txid === txid)) return { state: 'mempool' };
    const at = this.data.heightOf(txid);
    if (at === null) return { state: 'unknown' };
    const b = this.data.blocks[at];
    return { state: 'confirmed', height: at, blockHash: b.hash, confirmations: this.data.tip.height - at + 1 };
  }

  private match(txs: ScriptedTx[]): ChainTransfer[] {
    return txs.flatMap((t) =>
      t.outputs
        .map((o, i) => ({ txid: t.txid, index: String(i), address: o.address, asset: o.asset, amount: o.amount }))
        .filter((o) => this.watched.has(o.address.toLowerCase())),
    );
  }
}
