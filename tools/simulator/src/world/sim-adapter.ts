import { createHash } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1';
import { hexToBytes } from '@noble/curves/utils';
import {
  ChainErrors,
  checkOutputsMatch,
  IntentMismatchError,
  refuseAddress,
  type AddressCheck,
  type BlockRef,
  type ChainAdapter,
  type ChainBlock,
  type ChainTransfer,
  type CustodyWallet,
  type DerivedAddress,
  type DigestSignature,
  type IntendedOutput,
  type SignedChainTx,
  type TxStatus,
  type UnsignedChainTx,
  type WatchedAddress,
  type WithdrawalBatch,
} from '@strongroom/chains-core';
import type { ChainId } from '@strongroom/shared-types';
import type { SimChain, SimTx } from './sim-chain';
import { NodeUnavailable, type NodeFaults } from './node-faults';

interface SimPayload {
  batchId: string;
  outputs: { ref: string; address: string; asset: string; amount: string }[];
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Address prefix per simulated chain; the rest is 40 hex digits. */
export const ADDRESS_PREFIX: Record<ChainId, string> = { bitcoin: 'simb1', ethereum: 'sime1' };

export function simAddress(chain: ChainId, seed: string): string {
  return `${ADDRESS_PREFIX[chain]}${sha(seed).slice(0, 40)}`;
}

/**
 * The ChainAdapter port over a simulated chain, as a freshly started process sees it (own watch
 * set). Builds a JSON "transaction" whose digests the wallet keys really sign; the intent check
 * decodes it; `finalize` verifies every signature (low-S). The node behind it can be down, lose
 * the answer to a broadcast it accepted, or lag behind the chain (`NodeFaults`).
 */
export class SimAdapter implements ChainAdapter {
  readonly network = 'sim';
  readonly capabilities = {};
  private readonly watched = new Set<string>();

  constructor(
    private readonly sim: SimChain,
    private readonly faults: NodeFaults,
    readonly fee: bigint,
  ) {}

  get chain(): ChainId {
    return this.sim.chain;
  }

  async tip(): Promise<BlockRef> {
    this.faults.call(this.chain, 'tip');
    const b = this.sim.blocks[this.visibleHeight()];
    return { height: b.height, hash: b.hash, parentHash: b.parentHash, time: b.time };
  }

  async block(height: number): Promise<ChainBlock> {
    this.faults.call(this.chain, 'block');
    if (height > this.visibleHeight()) throw new NodeUnavailable(`${this.chain} node has no block at height ${height}`);
    const b = this.sim.blocks[height];
    return { height: b.height, hash: b.hash, parentHash: b.parentHash, time: b.time, transfers: this.match(b.txs) };
  }

  async mempool(): Promise<ChainTransfer[]> {
    this.faults.call(this.chain, 'mempool');
    return this.match(this.sim.mempool);
  }

  watch(addresses: WatchedAddress[]): void {
    for (const a of addresses) this.watched.add(a.address);
  }

  deriveDepositAddress(wallet: CustodyWallet, tag: string): DerivedAddress {
    const address = simAddress(this.chain, `${wallet.id}|${wallet.publicKeys.join(',')}|${tag}`);
    return { address, locator: sha(`locator:${address}`), derivation: `sim(${wallet.id},${tag})` };
  }

  validateAddress(address: string): AddressCheck {
    const re = new RegExp(`^${ADDRESS_PREFIX[this.chain]}[0-9a-f]{40}$`);
    return re.test(address)
      ? { ok: true, normalized: address }
      : refuseAddress(ChainErrors['address.malformed'], `not a simulated ${this.chain} address`);
  }

  async buildWithdrawal(batch: WithdrawalBatch): Promise<UnsignedChainTx> {
    this.faults.call(this.chain, 'build');
    const payload: SimPayload = {
      batchId: batch.id,
      outputs: batch.outputs.map((o) => ({
        ref: o.ref,
        address: o.address,
        asset: o.asset,
        amount: o.amount.toString(),
      })),
    };
    const text = JSON.stringify(payload);
    const keys = batch.wallet.publicKeys.slice(0, batch.wallet.threshold);
    return {
      chain: this.chain,
      batchId: batch.id,
      payload: text,
      digests: keys.map((publicKey, i) => ({
        publicKey,
        digest: sha(`${text}|${publicKey}`),
        purpose: `cosigner ${i + 1}`,
      })),
      fee: this.fee,
    };
  }

  checkIntent(unsigned: UnsignedChainTx, batch: WithdrawalBatch): void {
    const p = JSON.parse(unsigned.payload) as SimPayload;
    if (p.batchId !== batch.id) throw new IntentMismatchError(`payload is for batch ${p.batchId}, not ${batch.id}`);
    checkOutputsMatch(
      p.outputs.map((o) => ({ address: o.address, asset: o.asset, amount: BigInt(o.amount) })),
      batch.outputs,
    );
    const refs = new Set(batch.outputs.map((o) => o.ref));
    for (const o of p.outputs)
      if (!refs.has(o.ref)) throw new IntentMismatchError(`output for ${o.ref} is not in the batch`);
    for (const d of unsigned.digests) {
      if (d.digest !== sha(`${unsigned.payload}|${d.publicKey}`))
        throw new IntentMismatchError(`digest for ${d.purpose} is not over this payload`);
    }
  }

  async finalize(unsigned: UnsignedChainTx, signatures: DigestSignature[]): Promise<SignedChainTx> {
    for (const d of unsigned.digests) {
      const sig = signatures.find((s) => s.digest === d.digest && s.publicKey === d.publicKey);
      if (!sig) throw new Error(`missing signature for ${d.purpose}`);
      const hex = (v: string) => v.replace(/^0x/, '').padStart(64, '0');
      const ok = secp256k1.verify(hexToBytes(hex(sig.r) + hex(sig.s)), hexToBytes(d.digest), hexToBytes(d.publicKey), {
        lowS: true,
      });
      if (!ok) throw new Error(`invalid or high-S signature for ${d.purpose}`);
    }
    // Like a segwit txid: independent of the signatures, so re-signing the same payload keeps it.
    return {
      chain: this.chain,
      batchId: unsigned.batchId,
      txid: sha(unsigned.payload),
      raw: JSON.stringify({ payload: unsigned.payload, fee: unsigned.fee.toString() }),
    };
  }

  async broadcast(signed: SignedChainTx): Promise<{ txid: string; alreadyKnown: boolean }> {
    this.faults.call(this.chain, 'broadcast');
    const raw = JSON.parse(signed.raw) as { payload: string; fee: string };
    const txid = sha(raw.payload);
    if (txid !== signed.txid) throw new Error('raw transaction does not match its txid');
    const p = JSON.parse(raw.payload) as SimPayload;
    const tx: SimTx = {
      txid,
      batchId: p.batchId,
      fee: BigInt(raw.fee),
      outputs: p.outputs.map((o) => ({ ref: o.ref, address: o.address, asset: o.asset, amount: BigInt(o.amount) })),
    };
    const fresh = this.sim.accept(tx);
    // The node took it, but the answer may never reach us (a timeout after the side effect).
    this.faults.afterBroadcast(this.chain);
    return { txid, alreadyKnown: !fresh };
  }

  async status(txid: string, _outputs?: readonly IntendedOutput[]): Promise<TxStatus> {
    this.faults.call(this.chain, 'status');
    const visible = this.visibleHeight();
    const h = this.sim.heightOf(txid);
    if (h !== null && h <= visible) {
      const b = this.sim.blocks[h];
      const tx = b.txs.find((t) => t.txid === txid) as SimTx;
      return { state: 'confirmed', height: h, blockHash: b.hash, confirmations: visible - h + 1, fee: tx.fee };
    }
    return this.sim.inMempool(txid) || h !== null ? { state: 'mempool' } : { state: 'unknown' };
  }

  private visibleHeight(): number {
    return Math.max(0, this.sim.tip.height - this.faults.lag(this.chain));
  }

  private match(txs: SimTx[]): ChainTransfer[] {
    return txs.flatMap((t) =>
      t.outputs
        .map((o, i) => ({ txid: t.txid, index: String(i), address: o.address, asset: o.asset, amount: o.amount }))
        .filter((o) => this.watched.has(o.address)),
    );
  }
}
