import { assertClientScope } from '@strongroom/api-auth';
import type { Tx } from '@strongroom/persistence';
import { domainError } from '@strongroom/shared-types';
import { WithdrawalErrors } from '../withdrawals.errors';
import type { PipelineDeps } from '../core/deps';
import { audit, auditActor, runTx } from '../core/run-tx';
import { transition } from '../core/transition';
import { withdrawalPage, type WithdrawalRow } from '../withdrawal-row';
import { voidHold } from '../core/holds';
import { seqPage } from '../seq-page';
import { ownerOf, scopedClientsParam, scopeOf, type Actor, type Withdrawal } from '../withdrawal.types';

/**
 * Approvers' side: the queue of withdrawals above the threshold, approve and reject.
 *
 * An approval counts only when it comes from an `approver` key (an admin, who can mint keys, never
 * approves) whose owner is neither the requester key's owner nor the owner of an approval already
 * counted: the requester and every approver are distinct people, whatever keys they hold.
 */
export class ApprovalService {
  constructor(private readonly deps: PipelineDeps) {}

  /** Oldest first, a page at a time, only withdrawals of clients in the viewer's scope. */
  async pending(
    q: { limit?: number; cursor?: string } = {},
    viewer?: Actor,
  ): Promise<{ data: Withdrawal[]; nextCursor: string | null }> {
    const page = seqPage(q);
    const rows = await this.deps.db.query<WithdrawalRow>(
      `SELECT * FROM withdrawals.withdrawals WHERE status = 'awaiting_approval' AND ($1::bigint IS NULL OR seq > $1::bigint)
          AND ($2::text IS NULL OR client_id IN (SELECT jsonb_array_elements_text($2::jsonb)))
        ORDER BY seq LIMIT $3`,
      [page.after, scopedClientsParam(viewer), page.limit + 1],
    );
    return withdrawalPage(page, rows, this.deps.assets);
  }

  /** Records one person's approval; the withdrawal moves to `approved` when enough distinct owners approved. */
  async approve(actor: Actor, id: string): Promise<void> {
    const { deps } = this;
    if (actor.role !== 'approver') {
      throw domainError(
        WithdrawalErrors['approval.approver_role_required'],
        'only an approver key can approve a withdrawal (an admin cannot)',
        { withdrawalId: id },
      );
    }
    const owner = ownerOf(actor);
    await runTx(deps, async (tx) => {
      const w = await this.lockAwaiting(tx, id, actor);
      if (w.requested_by === actor.keyId || (w.requester_owner ?? w.requested_by) === owner) {
        throw domainError(
          WithdrawalErrors['approval.self_approval'],
          'the person who requested a withdrawal cannot approve it, with any of their keys',
          { withdrawalId: id },
        );
      }
      const counted = await tx.query<{ approver: string; owner: string }>(
        `SELECT approver, COALESCE(approver_owner, approver) AS owner FROM withdrawals.approvals WHERE withdrawal_id = $1 AND decision = 'approve' ORDER BY at`,
        [id],
      );
      if (counted.some((a) => a.approver === actor.keyId))
        throw domainError(
          WithdrawalErrors['approval.duplicate'],
          'this approver has already decided on this withdrawal',
          {
            withdrawalId: id,
          },
        );
      if (counted.some((a) => a.owner === owner)) {
        throw domainError(
          WithdrawalErrors['approval.same_owner'],
          'another key of the same owner has already approved this withdrawal; approvals count distinct people',
          { withdrawalId: id },
        );
      }
      const ins = await tx.query(
        `INSERT INTO withdrawals.approvals (withdrawal_id, approver, approver_owner, decision, at) VALUES ($1,$2,$3,'approve',$4) ON CONFLICT DO NOTHING RETURNING approver`,
        [id, actor.keyId, owner, deps.clock.now()],
      );
      if (ins.length === 0)
        throw domainError(
          WithdrawalErrors['approval.duplicate'],
          'this approver has already decided on this withdrawal',
          {
            withdrawalId: id,
          },
        );
      const approvers = [...counted.map((a) => a.approver), actor.keyId];
      const owners = [...counted.map((a) => a.owner), owner];
      audit(tx, {
        actor: auditActor(actor.keyId, actor.role),
        action: 'withdrawal.approval_recorded',
        subject: { type: 'withdrawal', id },
        payload: { approvers, owners, required: Number(w.approvals_required) },
      });
      if (owners.length >= Number(w.approvals_required)) {
        await transition(
          tx,
          deps,
          id,
          'awaiting_approval',
          'approved',
          { actor: actor.keyId, actorRole: actor.role, rule: 'approvals_met', detail: { approvers, owners } },
          { rule: 'approvals_met' },
        );
      }
    });
  }

  /** Any approver (or admin) in scope may reject: refusing moves no money. */
  async reject(actor: Actor, id: string, reason: string): Promise<void> {
    const { deps } = this;
    await runTx(deps, async (tx) => {
      const w = await this.lockAwaiting(tx, id, actor);
      const ins = await tx.query(
        `INSERT INTO withdrawals.approvals (withdrawal_id, approver, approver_owner, decision, reason, at) VALUES ($1,$2,$3,'reject',$4,$5) ON CONFLICT DO NOTHING RETURNING approver`,
        [id, actor.keyId, ownerOf(actor), reason, deps.clock.now()],
      );
      if (ins.length === 0)
        throw domainError(
          WithdrawalErrors['approval.duplicate'],
          'this approver has already decided on this withdrawal',
          {
            withdrawalId: id,
          },
        );
      await voidHold(tx, deps, w);
      await transition(
        tx,
        deps,
        id,
        'awaiting_approval',
        'rejected',
        { actor: actor.keyId, actorRole: actor.role, rule: 'rejected_by_approver', detail: { reason } },
        { rule: 'rejected_by_approver', reason },
      );
    });
  }

  private async lockAwaiting(tx: Tx, id: string, actor: Actor): Promise<WithdrawalRow> {
    const [w] = await tx.query<WithdrawalRow>(`SELECT * FROM withdrawals.withdrawals WHERE id = $1 FOR UPDATE`, [id]);
    if (!w) throw domainError(WithdrawalErrors['withdrawal.not_found'], `no withdrawal ${id}`, { withdrawalId: id });
    assertClientScope(scopeOf(actor), w.client_id);
    if (w.status !== 'awaiting_approval') {
      throw domainError(
        WithdrawalErrors['withdrawal.not_awaiting_approval'],
        `withdrawal ${id} is ${w.status}, not awaiting approval`,
        {
          withdrawalId: id,
          currentStatus: w.status,
        },
      );
    }
    return w;
  }
}
