import type { Tx } from '@strongroom/persistence';
import { conflict, DomainError, notFound } from '@strongroom/shared-types';
import type { PipelineDeps } from './pipeline/pipeline-deps';
import { audit, auditActor, runTx } from './pipeline/run-tx';
import { transition } from './pipeline/transition';
import { toWithdrawal, type WithdrawalRow } from './withdrawal-row';
import { voidHold } from './withdrawal.service';
import type { Actor, Withdrawal } from './withdrawal.types';

/** Approvers' side: the queue of withdrawals above the threshold, approve and reject. */
export class ApprovalService {
  constructor(private readonly deps: PipelineDeps) {}

  async pending(limit = 100): Promise<Withdrawal[]> {
    const rows = await this.deps.db.query<WithdrawalRow>(
      `SELECT * FROM withdrawals.withdrawals WHERE status = 'awaiting_approval' ORDER BY seq LIMIT $1`,
      [Math.min(Math.max(limit, 1), 500)],
    );
    return rows.map((r) => toWithdrawal(r, this.deps.assets));
  }

  /**
   * Records one approver's approval; the withdrawal moves to `approved` when the policy's number
   * of DISTINCT approvers is reached. The requesting key can never approve its own withdrawal.
   */
  async approve(actor: Actor, id: string): Promise<void> {
    const { deps } = this;
    await runTx(deps, async (tx) => {
      const w = await this.lockAwaiting(tx, id);
      if (w.requested_by === actor.keyId) {
        throw new DomainError('approval.self_approval', 403, 'the principal that requested a withdrawal cannot approve it', { withdrawalId: id });
      }
      const now = deps.clock.now();
      const ins = await tx.query(
        `INSERT INTO withdrawals.approvals (withdrawal_id, approver, decision, at) VALUES ($1,$2,'approve',$3) ON CONFLICT DO NOTHING RETURNING approver`,
        [id, actor.keyId, now],
      );
      if (ins.length === 0) throw conflict('approval.duplicate', 'this approver has already decided on this withdrawal', { withdrawalId: id });
      const approvers = (await tx.query<{ approver: string }>(`SELECT approver FROM withdrawals.approvals WHERE withdrawal_id = $1 AND decision = 'approve' ORDER BY at`, [id])).map((a) => a.approver);
      audit(tx, { actor: auditActor(actor.keyId, actor.role), action: 'withdrawal.approval_recorded', subject: { type: 'withdrawal', id }, payload: { approvers, required: Number(w.approvals_required) } });
      if (approvers.length >= Number(w.approvals_required)) {
        await transition(tx, deps, id, 'awaiting_approval', 'approved', { actor: actor.keyId, actorRole: actor.role, rule: 'approvals_met', detail: { approvers } }, { rule: 'approvals_met' });
      }
    });
  }

  async reject(actor: Actor, id: string, reason: string): Promise<void> {
    const { deps } = this;
    await runTx(deps, async (tx) => {
      const w = await this.lockAwaiting(tx, id);
      const ins = await tx.query(
        `INSERT INTO withdrawals.approvals (withdrawal_id, approver, decision, reason, at) VALUES ($1,$2,'reject',$3,$4) ON CONFLICT DO NOTHING RETURNING approver`,
        [id, actor.keyId, reason, deps.clock.now()],
      );
      if (ins.length === 0) throw conflict('approval.duplicate', 'this approver has already decided on this withdrawal', { withdrawalId: id });
      await voidHold(tx, deps, w);
      await transition(tx, deps, id, 'awaiting_approval', 'rejected', { actor: actor.keyId, actorRole: actor.role, rule: 'rejected_by_approver', detail: { reason } }, { rule: 'rejected_by_approver', reason });
    });
  }

  private async lockAwaiting(tx: Tx, id: string): Promise<WithdrawalRow> {
    const [w] = await tx.query<WithdrawalRow>(`SELECT * FROM withdrawals.withdrawals WHERE id = $1 FOR UPDATE`, [id]);
    if (!w) throw notFound('withdrawal.not_found', `no withdrawal ${id}`, { withdrawalId: id });
    if (w.status !== 'awaiting_approval') {
      throw conflict('withdrawal.not_awaiting_approval', `withdrawal ${id} is ${w.status}, not awaiting approval`, { withdrawalId: id, currentStatus: w.status });
    }
    return w;
  }
}
