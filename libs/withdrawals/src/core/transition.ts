import type { Tx } from '@strongroom/persistence';
import { domainError } from '@strongroom/shared-types';
import { NEXT, type WithdrawalStatus } from '../withdrawal.types';
import { WithdrawalErrors } from '../withdrawals.errors';
import type { PipelineDeps } from './deps';
import { audit, auditActor } from './run-tx';

export interface TransitionContext {
  actor: string;
  /** The API role of the actor (system workers: `system`). */
  actorRole?: string;
  /** The policy rule or pipeline reason behind the move (recorded as the decision). */
  rule?: string | null;
  detail?: Record<string, unknown>;
}

/**
 * Moves one withdrawal from `from` to `to` inside the caller's transaction, together with its
 * decision record, its audit record and its outbox event. The UPDATE is conditional on the
 * current status, so a racing worker or API call that already moved it makes this one fail.
 */
export async function transition(
  tx: Tx,
  deps: Pick<PipelineDeps, 'outbox' | 'clock'>,
  withdrawalId: string,
  from: WithdrawalStatus | null,
  to: WithdrawalStatus,
  ctx: TransitionContext,
  set: { batchId?: string | null; reason?: string | null; rule?: string | null; approvalsRequired?: number } = {},
): Promise<void> {
  if (from !== null && !NEXT[from].includes(to)) throw new Error(`illegal withdrawal transition ${from} → ${to}`);
  const now = deps.clock.now();
  if (from !== null) {
    const rows = await tx.query<{ id: string }>(
      `UPDATE withdrawals.withdrawals SET status = $3, updated_at = $4,
         batch_id = CASE WHEN $5::boolean THEN $6 ELSE batch_id END,
         reason = COALESCE($7, reason), rule = COALESCE($8, rule), approvals_required = COALESCE($9, approvals_required)
       WHERE id = $1 AND status = $2 RETURNING id`,
      [
        withdrawalId,
        from,
        to,
        now,
        'batchId' in set,
        set.batchId ?? null,
        set.reason ?? null,
        set.rule ?? null,
        set.approvalsRequired ?? null,
      ],
    );
    if (rows.length !== 1)
      throw domainError(
        WithdrawalErrors['withdrawal.state_changed'],
        `withdrawal ${withdrawalId} is no longer ${from}`,
        {
          withdrawalId,
          expected: from,
        },
      );
  }
  const detail = ctx.detail ?? {};
  await tx.query(
    `INSERT INTO withdrawals.transitions (withdrawal_id, from_status, to_status, actor, rule, detail, at) VALUES ($1,$2,$3,$4,$5,$6::jsonb,$7)`,
    [withdrawalId, from, to, ctx.actor, ctx.rule ?? null, JSON.stringify(detail), now],
  );
  const payload = { withdrawalId, from, to, rule: ctx.rule ?? null, ...detail };
  audit(tx, {
    actor: auditActor(ctx.actor, ctx.actorRole),
    action: `withdrawal.${to}`,
    subject: { type: 'withdrawal', id: withdrawalId },
    payload,
  });
  await deps.outbox.enqueue(tx, { type: `withdrawal.${to}`, subject: withdrawalId, payload });
}
