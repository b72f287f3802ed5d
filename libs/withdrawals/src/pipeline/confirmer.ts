import type { ChainId } from '@strongroom/shared-types';
import { SYSTEM_ACTOR } from '../withdrawal.types';
import type { WithdrawalRow } from '../withdrawal-row';
import type { BatchRow } from './batch-row';
import { failBatch } from './fail-batch';
import type { FaultHook } from './fault-points';
import { adapterFor, type PipelineDeps } from './pipeline-deps';
import { runTx } from './run-tx';
import { transition } from './transition';

export interface ConfirmerOptions {
  chain: ChainId;
  /** Confirmations before a withdrawal counts as final; defaults to the assets' metadata. */
  confirmations?: number;
  /** A transaction the node no longer knows is re-sent (same stored bytes) after this long. */
  rebroadcastAfterMs: number;
}

/**
 * Follows broadcast batches: deep enough → `confirmed` (recording height and the fee actually
 * paid); failed on chain → `failed` with holds voided; forgotten by the node → the stored bytes
 * are re-sent (never re-signed).
 */
export class Confirmer {
  constructor(
    private readonly deps: PipelineDeps,
    private readonly opts: ConfirmerOptions,
    private readonly fault?: FaultHook,
  ) {}

  async runOnce(): Promise<{ confirmed: string[]; failed: string[]; rebroadcast: string[] }> {
    const { deps, opts } = this;
    const adapter = adapterFor(deps, opts.chain);
    const out = { confirmed: [] as string[], failed: [] as string[], rebroadcast: [] as string[] };
    const batches = await deps.db.query<BatchRow>(`SELECT * FROM withdrawals.batches WHERE status = 'broadcast' AND chain = $1 ORDER BY seq LIMIT 100`, [opts.chain]);
    for (const b of batches) {
      const txids = [b.txid as string, ...(b.previous_txids ?? [])];
      let st = await adapter.status(txids[0]);
      for (const t of txids.slice(1)) if (st.state !== 'confirmed') st = await adapter.status(t);
      if (st.state === 'confirmed' && st.confirmations >= this.required(b)) {
        await runTx(deps, async (tx) => {
          const moved = await tx.query(
            `UPDATE withdrawals.batches SET status = 'confirmed', confirmed_height = $2, confirmed_block = $3, network_fee = COALESCE($4, network_fee), updated_at = $5
              WHERE id = $1 AND status = 'broadcast' RETURNING id`,
            [b.id, st.height, st.blockHash, st.fee?.toString() ?? null, deps.clock.now()],
          );
          if (moved.length === 0) return;
          const ws = await tx.query<WithdrawalRow>(`SELECT id FROM withdrawals.withdrawals WHERE batch_id = $1 AND status = 'broadcast' ORDER BY seq`, [b.id]);
          for (const w of ws) {
            await transition(tx, deps, w.id, 'broadcast', 'confirmed', { actor: SYSTEM_ACTOR, detail: { batchId: b.id, txid: b.txid, height: st.height, confirmations: st.confirmations } });
          }
          await this.fault?.('confirmer.before_commit', { batchId: b.id });
        });
        out.confirmed.push(b.id);
      } else if (st.state === 'failed') {
        await failBatch(deps, b.id, 'broadcast', 'chain_failure', st.reason);
        out.failed.push(b.id);
      } else if (st.state === 'unknown' && deps.clock.now().getTime() - new Date(b.updated_at).getTime() >= opts.rebroadcastAfterMs) {
        await adapter.broadcast({ chain: b.chain, batchId: b.id, txid: b.txid as string, raw: b.signed_raw as string });
        await deps.db.query(`UPDATE withdrawals.batches SET broadcasts = broadcasts + 1, updated_at = $2 WHERE id = $1`, [b.id, deps.clock.now()]);
        out.rebroadcast.push(b.id);
      }
    }
    return out;
  }

  private required(b: BatchRow): number {
    if (this.opts.confirmations !== undefined) return this.opts.confirmations;
    return Math.max(1, ...this.deps.assets.onChain(b.chain).map((a) => a.confirmations));
  }
}
