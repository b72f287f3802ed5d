import { createHash } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1';
import { hexToBytes } from '@noble/curves/utils';
import { address as btcAddress, networks } from 'bitcoinjs-lib';
import { getAddress } from 'ethers';
import {
  checkOutputsMatch,
  IntentMismatchError,
  type AddressCheck,
  type BlockRef,
  type ChainAdapter,
  type ChainBlock,
  type ChainTransfer,
  type DerivedAddress,
  type DigestSignature,
  type IntendedOutput,
  type SignedChainTx,
  type TxStatus,
  type UnpaidOutput,
  type UnsignedChainTx,
  type WithdrawalBatch,
} from '@strongroom/chains-core';
import type { ChainId } from '@strongroom/shared-types';

interface ScriptedPayload {
  batchId: string;
  outputs: { address: string; asset: string; amount: string }[];
  nonce: string | null;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * A chain double for the pipeline's own logic (not for chain logic): it builds a JSON "transaction"
 * whose digests real keys sign, checks intent by decoding that JSON, verifies every signature in
 * `finalize`, and records each broadcast. Addresses are checked for real (bech32 on regtest,
 * EIP-55 on Ethereum). Blocks are mined by the test with `mine()`.
 */
export class ScriptedChainAdapter implements ChainAdapter {
  readonly network = 'scripted';
  readonly capabilities = {};
  /** Every broadcast call, in order (a re-broadcast of the same bytes appears twice). */
  readonly broadcasts: { batchId: string; txid: string; raw: string; alreadyKnown: boolean }[] = [];
  private readonly known = new Set<string>();
  private readonly mined = new Map<string, number>();
  private readonly failed = new Map<string, { reason: string; height: number }>();
  private readonly payloads = new Map<string, ScriptedPayload>();
  private height = 100;
  /** Network fee every built transaction pays. */
  fee = 1_000n;
  /** Rewrites what `buildWithdrawal` produced (to prove the intent check stops a bad builder). */
  tamper: ((p: ScriptedPayload) => ScriptedPayload) | null = null;
  /** The next N broadcasts throw (node down). */
  failNextBroadcasts = 0;
  /** Called on each broadcast before it is recorded (e.g. to kill a process at that moment). */
  onBroadcast: ((txid: string) => void) | null = null;
  /** Destinations whose outputs a mined transaction does not pay (like a token returning false). */
  readonly unpaidAddresses = new Set<string>();
  /** Mined transactions whose verdict the adapter cannot reach: status() throws the message. */
  readonly unjudgeable = new Map<string, string>();

  constructor(readonly chain: ChainId) {}

  validateAddress(address: string): AddressCheck {
    if (this.chain === 'bitcoin') {
      try {
        btcAddress.toOutputScript(address, networks.regtest);
        return { ok: true, normalized: address.toLowerCase().startsWith('bcrt1') ? address.toLowerCase() : address };
      } catch (err) {
        return {
          ok: false,
          code: 'address.malformed',
          reason: `not a regtest Bitcoin address: ${(err as Error).message}`,
        };
      }
    }
    if (!/^0x[0-9a-fA-F]{40}$/.test(address))
      return { ok: false, code: 'address.malformed', reason: 'not a 20-byte hex Ethereum address' };
    try {
      return { ok: true, normalized: getAddress(address) };
    } catch {
      return { ok: false, code: 'address.checksum', reason: 'the EIP-55 mixed-case checksum does not match' };
    }
  }

  async buildWithdrawal(batch: WithdrawalBatch): Promise<UnsignedChainTx> {
    let payload: ScriptedPayload = {
      batchId: batch.id,
      outputs: batch.outputs.map((o) => ({ address: o.address, asset: o.asset, amount: o.amount.toString() })),
      nonce: batch.fee?.relayerNonce ?? null,
    };
    if (this.tamper) payload = this.tamper(payload);
    const text = JSON.stringify(payload);
    const keys = [...batch.wallet.publicKeys].slice(0, batch.wallet.threshold);
    return {
      chain: this.chain,
      batchId: batch.id,
      payload: text,
      digests: keys.map((publicKey, i) => ({
        publicKey,
        digest: sha256(`${text}|${publicKey}`),
        purpose: `cosigner ${i + 1}`,
      })),
      fee: this.fee,
    };
  }

  checkIntent(unsigned: UnsignedChainTx, batch: WithdrawalBatch): void {
    const p = JSON.parse(unsigned.payload) as ScriptedPayload;
    if (p.batchId !== batch.id) throw new IntentMismatchError(`payload is for batch ${p.batchId}, not ${batch.id}`);
    checkOutputsMatch(
      p.outputs.map((o) => ({ address: o.address, asset: o.asset, amount: BigInt(o.amount) })),
      batch.outputs,
    );
    for (const d of unsigned.digests) {
      if (d.digest !== sha256(`${unsigned.payload}|${d.publicKey}`))
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
    const txid = sha256(unsigned.payload);
    return {
      chain: this.chain,
      batchId: unsigned.batchId,
      txid,
      raw: JSON.stringify({ payload: unsigned.payload, signatures }),
    };
  }

  async broadcast(signed: SignedChainTx): Promise<{ txid: string; alreadyKnown: boolean }> {
    if (this.failNextBroadcasts > 0) {
      this.failNextBroadcasts -= 1;
      throw new Error('node unreachable (scripted)');
    }
    const txid = sha256((JSON.parse(signed.raw) as { payload: string }).payload);
    if (txid !== signed.txid) throw new Error('raw transaction does not match its txid');
    this.onBroadcast?.(txid);
    const alreadyKnown = this.known.has(txid);
    this.known.add(txid);
    this.payloads.set(txid, JSON.parse((JSON.parse(signed.raw) as { payload: string }).payload) as ScriptedPayload);
    this.broadcasts.push({ batchId: signed.batchId, txid, raw: signed.raw, alreadyKnown });
    return { txid, alreadyKnown };
  }

  async status(txid: string, outputs?: readonly IntendedOutput[]): Promise<TxStatus> {
    const f = this.failed.get(txid);
    const h = f?.height ?? this.mined.get(txid);
    if (h === undefined) return this.known.has(txid) ? { state: 'mempool' } : { state: 'unknown' };
    const unjudgeable = this.unjudgeable.get(txid);
    if (unjudgeable !== undefined) throw new Error(unjudgeable);
    const mined = { height: h, blockHash: sha256(`block${h}`), confirmations: this.height - h + 1, fee: this.fee };
    if (f) return { state: 'failed', reason: f.reason, ...mined };
    const paid = this.payloads.get(txid)?.outputs ?? [];
    const unpaid: UnpaidOutput[] = paid.flatMap((o, i) =>
      this.unpaidAddresses.has(o.address)
        ? [
            {
              ref: outputs?.[i]?.ref ?? String(i),
              reason: `${o.amount} ${o.asset} to ${o.address} was not paid (scripted)`,
            },
          ]
        : [],
    );
    if (unpaid.length === 0) return { state: 'confirmed', ...mined };
    if (unpaid.length === paid.length)
      return { state: 'failed', reason: unpaid.map((u) => u.reason).join('; '), ...mined };
    return { state: 'partial', unpaid, ...mined };
  }

  /** Mines `n` blocks; the first includes every transaction in the mempool. */
  mine(n = 1): void {
    const first = this.height + 1;
    for (const t of this.known) if (!this.mined.has(t) && !this.failed.has(t)) this.mined.set(t, first);
    this.height += n;
  }

  /**
   * Records a broadcast transaction as mined and failed (reverted: nothing paid, the fee paid),
   * `confirmations` deep; by default deeper than any confirmation policy the tests use.
   */
  failTx(txid: string, reason = 'reverted', confirmations = 6): void {
    this.mined.delete(txid);
    this.failed.set(txid, { reason, height: this.height - confirmations + 1 });
  }

  /** A reorg takes the block holding the transaction away: it is back in the mempool, unmined. */
  unmine(txid: string): void {
    this.mined.delete(txid);
    this.failed.delete(txid);
  }

  /** Forgets a mempool transaction, as a node that restarted would. */
  drop(txid: string): void {
    this.known.delete(txid);
  }

  /** Distinct transactions broadcast per batch: exactly one for every batch, whatever crashed. */
  txidsByBatch(): Map<string, Set<string>> {
    const m = new Map<string, Set<string>>();
    for (const b of this.broadcasts) m.set(b.batchId, new Set([...(m.get(b.batchId) ?? []), b.txid]));
    return m;
  }

  async tip(): Promise<BlockRef> {
    return { height: this.height, hash: sha256(`block${this.height}`), parentHash: sha256(`block${this.height - 1}`) };
  }
  async block(height: number): Promise<ChainBlock> {
    return { height, hash: sha256(`block${height}`), parentHash: sha256(`block${height - 1}`), transfers: [] };
  }
  async mempool(): Promise<ChainTransfer[]> {
    return [];
  }
  watch(): void {
    // Nothing to follow: the scripted chain only carries withdrawals.
  }
  deriveDepositAddress(): DerivedAddress {
    throw new Error('the scripted adapter derives no deposit addresses');
  }
}
