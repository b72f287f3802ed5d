import { hasCapabilities, type ChainAdapter, type TxStatus, type UnsignedChainTx } from '@strongroom/chains-core';
import type { ChainId } from '@strongroom/shared-types';
import { SYSTEM_ACTOR } from '../withdrawal.types';
import type { WithdrawalRow } from '../withdrawal-row';
import { batchInput, intendedOutputs, type BatchRow } from './batch-row';
import { failBatch, failWithdrawal } from './fail-batch';
import { releaseOutpoints } from './outpoint-reservations';
import { UtxoRecovery } from './utxo-recovery';
import type { FaultHook } from '../core/fault-points';
import { adapterFor, type WorkerDeps } from '../core/deps';
import { BATCHES, bumpRelayed, followStored, idleMs, isMined, noteError, resendStored } from '../relayer/relayed-tx';
import { audit, auditActor, runTx } from '../core/run-tx';
import { transition } from '../core/transition';

export interface ConfirmerOptions {
  chain: ChainId;
  /** Confirmations before a withdrawal counts as final; defaults to the assets' metadata. */
  confirmations?: number;
  /** A transaction the node no longer knows is re-sent (same stored bytes) after this long. */
  rebroadcastAfterMs: number;
  /**
   * A transaction still in the mempool this long after it was sent is replaced with higher fees
   * (Ethereum: same relayer nonce, fees +10 % at least, re-signed by the relayer only).
   */
  bumpAfterMs?: number;
  /** Highest maxFeePerGas a replacement may offer (wei). */
  feeCeiling?: bigint;
  /** UTXO chains: longest pause between two re-sends of a forgotten transaction (default 10 min). */
  maxResendBackoffMs?: number;
}

/**
 * Follows broadcast batches. Whatever the chain's verdict, nothing is done before the transaction
 * is `confirmations` deep: a failure a reorg removes can be mined again and succeed, so refunding
 * on a shallow failure could pay twice. Then: every output paid → `confirmed` (height, the fee
 * actually paid); some outputs unpaid (an Ethereum token returned false) → those withdrawals
 * `failed` with their holds voided, the paid ones `confirmed` for the settler; nothing paid →
 * `failed`, holds voided and the gas booked. A transaction the node forgot is re-sent (same
 * stored bytes, never re-signed). A batch the adapter cannot judge stays `broadcast` with the
 * reason in last_error, for an operator: it is never settled or refunded on a guess.
 */
export class Confirmer {
  private recovery: UtxoRecovery | null | undefined;

  constructor(
    private readonly deps: WorkerDeps,
    private readonly opts: ConfirmerOptions,
    private readonly fault?: FaultHook,
  ) {}

  /** UTXO chains (Bitcoin): re-sends, conflicts and CPFP (utxo-recovery.ts). */
  private utxo(adapter: ChainAdapter): UtxoRecovery | null {
    if (this.recovery === undefined) {
      this.recovery = hasCapabilities(adapter, 'utxo')
        ? new UtxoRecovery(this.deps, adapter, {
            rebroadcastAfterMs: this.opts.rebroadcastAfterMs,
            maxResendBackoffMs: this.opts.maxResendBackoffMs,
            confirmations:
              this.opts.confirmations ??
              Math.max(1, ...this.deps.assets.onChain(this.opts.chain).map((a) => a.confirmations)),
          })
        : null;
    }
    return this.recovery;
  }

  /** Follows every broadcast batch of the chain; a batch that cannot be followed does not stop the others. */
  async runOnce(): Promise<{ confirmed: string[]; failed: string[]; rebroadcast: string[] }> {
    const { deps, opts } = this;
    const adapter = adapterFor(deps, opts.chain);
    const out = { confirmed: [] as string[], failed: [] as string[], rebroadcast: [] as string[] };
    const errors: string[] = [];
    const rows = await deps.db.query<BatchRow>(
      `SELECT * FROM withdrawals.batches WHERE status = 'broadcast' AND chain = $1 ORDER BY seq LIMIT 100`,
      [opts.chain],
    );
    // Parents before children: a child re-sent before its parent would be refused.
    const batches = this.utxo(adapter)?.parentsFirst(rows) ?? rows;
    for (const b of batches) {
      try {
        const done = await this.follow(adapter, b);
        if (done) out[done].push(b.id);
      } catch (err) {
        const message = `cannot follow ${b.txid}: ${(err as Error).message ?? String(err)}`.slice(0, 1000);
        // Reported once per new error, not every round (the same refusal repeated is no news).
        const changed = await noteError(deps, BATCHES, b.id, message, {
          onlyIfNew: true,
          status: 'broadcast',
          max: 1000,
        });
        if (changed) errors.push(`batch ${b.id}: ${message}`);
      }
    }
    if (errors.length > 0)
      throw new Error(`the confirmer left ${errors.length} batch(es) as they were: ${errors.join('; ')}`);
    return out;
  }

  private async follow(adapter: ChainAdapter, b: BatchRow): Promise<'confirmed' | 'failed' | 'rebroadcast' | null> {
    const { deps, opts } = this;
    const ws = await deps.db.query<WithdrawalRow>(
      `SELECT * FROM withdrawals.withdrawals WHERE batch_id = $1 AND status = 'broadcast' ORDER BY seq`,
      [b.id],
    );
    // The approved outputs in the order the batch was built from: the adapter names unpaid ones by ref.
    const outputs = intendedOutputs(ws);
    const followed = await followStored(adapter, b, outputs);
    let st = followed.st;
    const minedTxid = followed.txid;
    if (isMined(st)) {
      if (st.confirmations < this.required(b)) return null;
      const unpaid = st.state === 'partial' ? new Set(st.unpaid.map((u) => u.ref)) : null;
      // A partial verdict naming every withdrawal paid nothing: the batch fails as a whole.
      if (st.state === 'failed' || (st.state === 'partial' && ws.every((w) => unpaid?.has(w.id)))) {
        const reason = st.state === 'failed' ? st.reason : st.unpaid.map((u) => u.reason).join('; ');
        await failBatch(deps, b.id, 'broadcast', 'chain_failure', reason, {
          txid: minedTxid,
          height: st.height,
          blockHash: st.blockHash,
          fee: st.fee,
        });
        return 'failed';
      }
      const utxo = this.utxo(adapter);
      if (utxo && st.state === 'confirmed') {
        // A CPFP child still in the mempool is waited for, so its fee is booked with the batch's.
        const paid = await utxo.minedFee(b);
        if (paid.wait) return null;
        if (paid.fee !== undefined) st = { ...st, fee: paid.fee };
      }
      await this.confirm(b, st as Extract<TxStatus, { state: 'confirmed' | 'partial' }>, minedTxid);
      return 'confirmed';
    }
    const idle = idleMs(deps, b);
    const utxo = this.utxo(adapter);
    if (utxo) {
      if (st.state === 'unknown') return utxo.resend(b);
      if (st.state === 'mempool') {
        await utxo.resendChild(b);
        if (opts.bumpAfterMs !== undefined && idle >= opts.bumpAfterMs && (await utxo.bump(b))) return 'rebroadcast';
      }
      return null;
    }
    if (st.state === 'mempool' && this.canBump(b) && idle >= (opts.bumpAfterMs as number)) {
      await this.bump(b, ws);
      return 'rebroadcast';
    }
    if (st.state === 'unknown' && idle >= opts.rebroadcastAfterMs) {
      await resendStored(deps, adapter, BATCHES, b);
      return 'rebroadcast';
    }
    return null;
  }

  /**
   * Moves a mined batch to `confirmed` with what it paid: the paid withdrawals to `confirmed` (the
   * settler posts their holds), the unpaid ones to `failed` with their holds voided — one
   * transaction, so a user is never both refunded and debited for the same withdrawal.
   */
  private async confirm(
    b: BatchRow,
    st: Extract<TxStatus, { state: 'confirmed' | 'partial' }>,
    minedTxid: string,
  ): Promise<void> {
    const { deps } = this;
    const unpaid = new Map(st.state === 'partial' ? st.unpaid.map((u) => [u.ref, u.reason]) : []);
    const lastError = unpaid.size > 0 ? [...unpaid.values()].join('; ') : null;
    await runTx(deps, async (tx) => {
      const moved = await tx.query(
        `UPDATE withdrawals.batches SET status = 'confirmed', confirmed_height = $2, confirmed_block = $3, network_fee = COALESCE($4, network_fee), updated_at = $5, txid = $6,
           lease_until = NULL, last_error = $7
          WHERE id = $1 AND status = 'broadcast' RETURNING id`,
        [b.id, st.height, st.blockHash, st.fee?.toString() ?? null, deps.clock.now(), minedTxid, lastError],
      );
      if (moved.length === 0) return;
      // Mined at depth: its inputs are spent for good, the reservations have done their job.
      await releaseOutpoints(tx, b.id);
      const ws = await tx.query<WithdrawalRow>(
        `SELECT * FROM withdrawals.withdrawals WHERE batch_id = $1 AND status = 'broadcast' ORDER BY seq FOR UPDATE`,
        [b.id],
      );
      const strangers = [...unpaid.keys()].filter((ref) => !ws.some((w) => w.id === ref));
      if (strangers.length > 0)
        throw new Error(
          `the chain names unpaid outputs ${strangers.join(', ')} that are not withdrawals of batch ${b.id}`,
        );
      for (const w of ws) {
        const reason = unpaid.get(w.id);
        if (reason !== undefined) {
          await failWithdrawal(tx, deps, w, 'broadcast', 'output_unpaid', {
            batchId: b.id,
            txid: minedTxid,
            height: st.height,
            reason,
          });
        } else {
          await transition(tx, deps, w.id, 'broadcast', 'confirmed', {
            actor: SYSTEM_ACTOR,
            detail: { batchId: b.id, txid: minedTxid, height: st.height, confirmations: st.confirmations },
          });
        }
      }
      if (unpaid.size > 0) {
        audit(tx, {
          actor: auditActor(SYSTEM_ACTOR),
          action: 'withdrawal_batch.partially_paid',
          subject: { type: 'withdrawal_batch', id: b.id },
          payload: {
            txid: minedTxid,
            height: st.height,
            unpaid: [...unpaid].map(([withdrawalId, reason]) => ({ withdrawalId, reason })),
            paid: ws.filter((w) => !unpaid.has(w.id)).map((w) => w.id),
          },
        });
      }
      await this.fault?.('confirmer.before_commit', { batchId: b.id });
    });
  }

  private canBump(b: BatchRow): boolean {
    return (
      this.opts.bumpAfterMs !== undefined &&
      b.relay_payload !== null &&
      hasCapabilities(adapterFor(this.deps, b.chain), 'relay')
    );
  }

  /** Replaces a stuck relayer transaction (relayed-tx.ts): same Safe transaction and owner signatures, same nonce, higher fees. */
  private async bump(b: BatchRow, ws: WithdrawalRow[]): Promise<void> {
    const { deps } = this;
    const adapter = adapterFor(deps, b.chain);
    if (!hasCapabilities(adapter, 'relay') || !b.relay_payload || !b.relay_digests) return;
    const input = batchInput(b, ws);
    const previous = {
      chain: b.chain,
      batchId: b.id,
      payload: b.relay_payload,
      digests: b.relay_digests,
      fee: BigInt(b.network_fee ?? '0'),
    };
    const check = (replacement: UnsignedChainTx) => adapter.checkIntent(replacement, input);
    await bumpRelayed(deps, adapter, BATCHES, b, previous, check, this.opts.feeCeiling);
  }

  private required(b: BatchRow): number {
    if (this.opts.confirmations !== undefined) return this.opts.confirmations;
    return Math.max(1, ...this.deps.assets.onChain(b.chain).map((a) => a.confirmations));
  }
}
