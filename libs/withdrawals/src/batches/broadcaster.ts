import type { ChainId } from '@strongroom/shared-types';
import { SYSTEM_ACTOR } from '../withdrawal.types';
import type { WithdrawalRow } from '../withdrawal-row';
import type { FaultHook } from '../core/fault-points';
import { BATCHES, claimLeased, noteError, sendStored } from '../relayer/relayed-tx';
import type { BatchRow } from './batch-row';
import { adapterFor, type WorkerDeps } from '../core/deps';
import { hasCapabilities } from '@strongroom/chains-core';
import { refusedForInputs, UtxoRecovery } from './utxo-recovery';
import { runTx } from '../core/run-tx';
import { transition } from '../core/transition';

/**
 * Broadcasts stored signed transactions. It only ever sends the bytes stored in `signed_raw`, so a
 * crash between broadcasting and recording it leads to re-sending the SAME transaction, which the
 * node answers with "already known" — counted as success.
 */
export class Broadcaster {
  constructor(
    private readonly deps: WorkerDeps,
    private readonly opts: { chain: ChainId; leaseMs: number; confirmations?: number },
    private readonly fault?: FaultHook,
  ) {}

  private confirmations(): number {
    return (
      this.opts.confirmations ?? Math.max(1, ...this.deps.assets.onChain(this.opts.chain).map((a) => a.confirmations))
    );
  }

  async runOnce(): Promise<string | null> {
    const { deps, opts } = this;
    const adapter = adapterFor(deps, opts.chain);
    const b = await deps.db.transaction((tx) =>
      claimLeased<BatchRow>(tx, BATCHES, opts.chain, 'signed', deps.clock.now(), opts.leaseMs),
    );
    if (!b) return null;
    if (!b.signed_raw || !b.txid) throw new Error(`batch ${b.id} is signed but has no stored transaction`);
    try {
      await sendStored(adapter, b);
    } catch (err) {
      // A UTXO chain refusing for its inputs: maybe a conflict (the batch then fails), maybe a parent of ours not re-sent yet.
      if (hasCapabilities(adapter, 'utxo') && refusedForInputs(err)) {
        const judged = await new UtxoRecovery(deps, adapter, {
          rebroadcastAfterMs: opts.leaseMs,
          confirmations: this.confirmations(),
        }).judge(b, 'signed');
        return judged === 'failed' ? b.id : null;
      }
      // Left in `signed`: the lease expires and the same bytes are sent again. Reported once per new error.
      const changed = await noteError(deps, BATCHES, b.id, err, { onlyIfNew: true });
      if (changed) throw err;
      return null;
    }
    await this.fault?.('broadcaster.after_broadcast', { batchId: b.id });
    await runTx(deps, async (tx) => {
      const moved = await tx.query(
        `UPDATE withdrawals.batches SET status = 'broadcast', broadcasts = broadcasts + 1, lease_until = NULL, last_error = NULL, updated_at = $2
          WHERE id = $1 AND status = 'signed' RETURNING id`,
        [b.id, deps.clock.now()],
      );
      if (moved.length === 0) return;
      const ws = await tx.query<WithdrawalRow>(
        `SELECT id FROM withdrawals.withdrawals WHERE batch_id = $1 AND status = 'signed' ORDER BY seq`,
        [b.id],
      );
      for (const w of ws)
        await transition(tx, deps, w.id, 'signed', 'broadcast', {
          actor: SYSTEM_ACTOR,
          detail: { batchId: b.id, txid: b.txid },
        });
    });
    return b.id;
  }
}
