import { SYSTEM_ACTOR, type WithdrawalStatus } from '../withdrawal.types';
import type { WithdrawalRow } from '../withdrawal-row';
import { voidHold } from '../withdrawal.service';
import type { PipelineDeps } from './pipeline-deps';
import { audit, auditActor, runTx } from './run-tx';
import { transition } from './transition';

/**
 * Fails a batch and every withdrawal in it, voiding their holds, in one transaction. Used when the
 * intent check refuses what the builder produced, or when the chain reports the transaction failed.
 */
export async function failBatch(deps: PipelineDeps, batchId: string, from: WithdrawalStatus, rule: string, reason: string): Promise<void> {
  await runTx(deps, async (tx) => {
    const [b] = await tx.query<{ status: string }>(`SELECT status FROM withdrawals.batches WHERE id = $1 FOR UPDATE`, [batchId]);
    if (!b || b.status !== from) return;
    const ws = await tx.query<WithdrawalRow>(`SELECT * FROM withdrawals.withdrawals WHERE batch_id = $1 AND status = $2 ORDER BY seq FOR UPDATE`, [batchId, from]);
    for (const w of ws) {
      await voidHold(tx, deps, w);
      await transition(tx, deps, w.id, from, 'failed', { actor: SYSTEM_ACTOR, rule, detail: { batchId, reason } }, { rule, reason });
    }
    await tx.query(`UPDATE withdrawals.batches SET status = 'failed', last_error = $2, lease_until = NULL, updated_at = $3 WHERE id = $1`, [batchId, reason, deps.clock.now()]);
    audit(tx, { actor: auditActor(SYSTEM_ACTOR), action: 'withdrawal_batch.failed', subject: { type: 'withdrawal_batch', id: batchId }, payload: { rule, reason, withdrawals: ws.map((w) => w.id) } });
  });
}
