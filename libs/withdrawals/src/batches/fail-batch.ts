import type { Tx } from '@strongroom/persistence';
import type { ChainId } from '@strongroom/shared-types';
import { SYSTEM_ACTOR, type WithdrawalStatus } from '../withdrawal.types';
import type { WithdrawalRow } from '../withdrawal-row';
import { voidHold } from '../core/holds';
import { networkFeeAccounts } from './network-fee-accounts';
import { releaseOutpoints } from './outpoint-reservations';
import type { PipelineDeps } from '../core/deps';
import { audit, auditActor, runTx } from '../core/run-tx';
import { networkFeeLeg } from './settlement-legs';
import { transition } from '../core/transition';

/** A failed transaction that was mined: where, and the network fee it paid all the same. */
export interface MinedFailure {
  txid: string;
  height: number;
  blockHash: string;
  fee: bigint;
}

/**
 * Fails a batch and every withdrawal in it, voiding their holds, in one transaction. Used when the
 * intent check refuses what the builder produced, or when the chain reports that the transaction
 * was mined and paid nothing: then its network fee (gas is paid by a reverted transaction too) is
 * booked as `batch:<id>:network_fee` in the same transaction, and becomes the batch's network_fee.
 */
export async function failBatch(
  deps: PipelineDeps,
  batchId: string,
  from: WithdrawalStatus,
  rule: string,
  reason: string,
  mined?: MinedFailure,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await runTx(deps, async (tx) => {
    const [b] = await tx.query<{ status: string; chain: ChainId; wallet_id: string }>(
      `SELECT status, chain, wallet_id FROM withdrawals.batches WHERE id = $1 FOR UPDATE`,
      [batchId],
    );
    if (!b || b.status !== from) return;
    const ws = await tx.query<WithdrawalRow>(
      `SELECT * FROM withdrawals.withdrawals WHERE batch_id = $1 AND status = $2 ORDER BY seq FOR UPDATE`,
      [batchId, from],
    );
    for (const w of ws) await failWithdrawal(tx, deps, w, from, rule, { batchId, reason });
    if (mined && mined.fee > 0n) {
      const [r] = await deps.ledger.createTransfers(
        [networkFeeLeg(batchId, mined.fee, await networkFeeAccounts(tx, deps, b.chain, b.wallet_id))],
        tx,
      );
      if (!r.ok)
        throw new Error(`the ledger refused the network fee of failed batch ${batchId}: ${r.code} ${r.detail}`);
    }
    await tx.query(
      `UPDATE withdrawals.batches SET status = 'failed', last_error = $2, lease_until = NULL, updated_at = $3,
         txid = COALESCE($4, txid), network_fee = COALESCE($5, network_fee), confirmed_height = COALESCE($6, confirmed_height), confirmed_block = COALESCE($7, confirmed_block)
       WHERE id = $1`,
      [
        batchId,
        reason,
        deps.clock.now(),
        mined?.txid ?? null,
        mined?.fee.toString() ?? null,
        mined?.height ?? null,
        mined?.blockHash ?? null,
      ],
    );
    // Its inputs (UTXO chains) are free again: nothing of this batch will ever be mined.
    await releaseOutpoints(tx, batchId);
    const chain = mined ? { txid: mined.txid, height: mined.height, networkFee: mined.fee.toString() } : {};
    audit(tx, {
      actor: auditActor(SYSTEM_ACTOR),
      action: 'withdrawal_batch.failed',
      subject: { type: 'withdrawal_batch', id: batchId },
      payload: { rule, reason, withdrawals: ws.map((w) => w.id), ...chain, ...detail },
    });
  });
}

/** Voids one withdrawal's hold and moves it to `failed`, inside the caller's transaction. */
export async function failWithdrawal(
  tx: Tx,
  deps: PipelineDeps,
  w: WithdrawalRow,
  from: WithdrawalStatus,
  rule: string,
  detail: { batchId: string; reason: string } & Record<string, unknown>,
): Promise<void> {
  await voidHold(tx, deps, w);
  await transition(
    tx,
    deps,
    w.id,
    from,
    'failed',
    { actor: SYSTEM_ACTOR, rule, detail },
    { rule, reason: detail.reason },
  );
}
