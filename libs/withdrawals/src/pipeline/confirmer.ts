import type { ChainId } from '@strongroom/shared-types';
import { SYSTEM_ACTOR } from '../withdrawal.types';
import type { WithdrawalRow } from '../withdrawal-row';
import { batchInput, type BatchRow } from './batch-row';
import { failBatch } from './fail-batch';
import type { FaultHook } from './fault-points';
import { adapterFor, type SignerDeps } from './pipeline-deps';
import { isRelayReplaceable, signDigests } from './relay-round';
import { audit, auditActor, runTx } from './run-tx';
import { transition } from './transition';

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
}

/**
 * Follows broadcast batches: deep enough → `confirmed` (recording height and the fee actually
 * paid); failed on chain → `failed` with holds voided; forgotten by the node → the stored bytes
 * are re-sent (never re-signed).
 */
export class Confirmer {
  constructor(
    private readonly deps: SignerDeps,
    private readonly opts: ConfirmerOptions,
    private readonly fault?: FaultHook,
  ) {}

  async runOnce(): Promise<{ confirmed: string[]; failed: string[]; rebroadcast: string[] }> {
    const { deps, opts } = this;
    const adapter = adapterFor(deps, opts.chain);
    const out = { confirmed: [] as string[], failed: [] as string[], rebroadcast: [] as string[] };
    const batches = await deps.db.query<BatchRow>(`SELECT * FROM withdrawals.batches WHERE status = 'broadcast' AND chain = $1 ORDER BY seq LIMIT 100`, [opts.chain]);
    for (const b of batches) {
      // After a fee bump any of the replaced transactions may be the one mined (same nonce).
      let st = await adapter.status(b.txid as string);
      let minedTxid = b.txid as string;
      for (const prev of st.state === 'confirmed' ? [] : (b.previous_txids ?? [])) {
        const p = await adapter.status(prev);
        if (p.state === 'confirmed') {
          st = p;
          minedTxid = prev;
          break;
        }
      }
      if (st.state === 'confirmed' && st.confirmations >= this.required(b)) {
        await runTx(deps, async (tx) => {
          const moved = await tx.query(
            `UPDATE withdrawals.batches SET status = 'confirmed', confirmed_height = $2, confirmed_block = $3, network_fee = COALESCE($4, network_fee), updated_at = $5, txid = $6
              WHERE id = $1 AND status = 'broadcast' RETURNING id`,
            [b.id, st.height, st.blockHash, st.fee?.toString() ?? null, deps.clock.now(), minedTxid],
          );
          if (moved.length === 0) return;
          const ws = await tx.query<WithdrawalRow>(`SELECT id FROM withdrawals.withdrawals WHERE batch_id = $1 AND status = 'broadcast' ORDER BY seq`, [b.id]);
          for (const w of ws) {
            await transition(tx, deps, w.id, 'broadcast', 'confirmed', { actor: SYSTEM_ACTOR, detail: { batchId: b.id, txid: minedTxid, height: st.height, confirmations: st.confirmations } });
          }
          await this.fault?.('confirmer.before_commit', { batchId: b.id });
        });
        out.confirmed.push(b.id);
      } else if (st.state === 'failed') {
        await failBatch(deps, b.id, 'broadcast', 'chain_failure', st.reason);
        out.failed.push(b.id);
      } else if (st.state === 'mempool' && this.canBump(b) && deps.clock.now().getTime() - new Date(b.updated_at).getTime() >= (opts.bumpAfterMs as number)) {
        await this.bump(b);
        out.rebroadcast.push(b.id);
      } else if (st.state === 'unknown' && deps.clock.now().getTime() - new Date(b.updated_at).getTime() >= opts.rebroadcastAfterMs) {
        await adapter.broadcast({ chain: b.chain, batchId: b.id, txid: b.txid as string, raw: b.signed_raw as string });
        await deps.db.query(`UPDATE withdrawals.batches SET broadcasts = broadcasts + 1, updated_at = $2 WHERE id = $1`, [b.id, deps.clock.now()]);
        out.rebroadcast.push(b.id);
      }
    }
    return out;
  }

  private canBump(b: BatchRow): boolean {
    return this.opts.bumpAfterMs !== undefined && b.relay_payload !== null && isRelayReplaceable(adapterFor(this.deps, b.chain));
  }

  /**
   * Replaces a stuck relayer transaction: same Safe transaction and owner signatures, same nonce,
   * higher fees; intent-checked, relayer-signed, STORED (old txid kept in previous_txids, so a
   * confirmation of either is seen) and only then sent. Both can never be mined: same nonce.
   */
  private async bump(b: BatchRow): Promise<void> {
    const { deps } = this;
    const adapter = adapterFor(deps, b.chain);
    if (!isRelayReplaceable(adapter) || !b.relay_payload || !b.relay_digests) return;
    const ws = await deps.db.query<WithdrawalRow>(`SELECT * FROM withdrawals.withdrawals WHERE batch_id = $1 AND status = 'broadcast' ORDER BY seq`, [b.id]);
    const input = batchInput(b, ws);
    const previous = { chain: b.chain, batchId: b.id, payload: b.relay_payload, digests: b.relay_digests, fee: BigInt(b.network_fee ?? '0') };
    const replacement = adapter.replaceRelay(previous, {}, this.opts.feeCeiling);
    adapter.checkIntent(replacement, input);
    const signatures = await signDigests(replacement, 1, (publicKey, digest) => deps.signer.sign(b.wallet_id, publicKey, digest));
    const signed = await adapter.finalize(replacement, signatures);
    const stored = await runTx(deps, async (tx) => {
      const moved = await tx.query(
        `UPDATE withdrawals.batches SET signed_raw = $2, txid = $3, relay_payload = $4, relay_digests = $5::jsonb, network_fee = $6,
           previous_txids = previous_txids || to_jsonb($7::text), attempt = attempt + 1, updated_at = $8
         WHERE id = $1 AND status = 'broadcast' AND txid = $7 RETURNING id`,
        [b.id, signed.raw, signed.txid, replacement.payload, JSON.stringify(replacement.digests), replacement.fee.toString(), b.txid, deps.clock.now()],
      );
      if (moved.length === 0) return false;
      audit(tx, { actor: auditActor(SYSTEM_ACTOR), action: 'withdrawal_batch.fee_bumped', subject: { type: 'withdrawal_batch', id: b.id }, payload: { replaced: b.txid, txid: signed.txid, attempt: b.attempt + 1 } });
      return true;
    });
    if (stored) await adapter.broadcast(signed);
  }

  private required(b: BatchRow): number {
    if (this.opts.confirmations !== undefined) return this.opts.confirmations;
    return Math.max(1, ...this.deps.assets.onChain(b.chain).map((a) => a.confirmations));
  }
}
