import { assertClientScope, AuthErrors, type Principal } from '@strongroom/api-auth';
import type { AuditLog } from '@strongroom/audit';
import type { Database } from '@strongroom/persistence';
import { domainError } from '@strongroom/shared-types';
import { OPERATOR_OWNER } from '../rules/float-policy';
import { TreasuryErrors } from '../treasury.errors';
import { rebalanceById } from './rebalance-store';
import type { Rebalance } from './rebalance.types';

/** The operator's floats are every client's business: only a key scoped to all clients acts on them. */
export function assertOwnerScope(who: Principal, owner: string): void {
  if (owner === OPERATOR_OWNER) {
    if (who.clients !== 'all')
      throw domainError(AuthErrors['auth.forbidden_client'], "the operator's floats need a key scoped to all clients", {
        clientId: OPERATOR_OWNER,
      });
    return;
  }
  assertClientScope(who, owner);
}

/**
 * One person's approval of a cold → hot replenishment. In one transaction: the row locked, still
 * pending, the approver's owner not among those counted (403 `rebalance.same_person`: approvals
 * count people, not keys), recorded and audited; the quorum reached moves it to `approved`.
 */
export async function approveRebalance(
  db: Database,
  audit: Pick<AuditLog, 'append'>,
  id: string,
  who: Principal,
): Promise<Rebalance> {
  return db.transaction(async (tx) => {
    const rb = await rebalanceById(tx, id, true);
    if (!rb) throw domainError(TreasuryErrors['rebalance.not_found'], `no rebalance ${id}`);
    assertOwnerScope(who, rb.owner);
    if (rb.status !== 'pending_approval')
      throw domainError(TreasuryErrors['rebalance.not_pending'], `rebalance ${id} is ${rb.status}`, {
        status: rb.status,
      });
    if (rb.approvals.some((a) => a.owner === who.owner))
      throw domainError(TreasuryErrors['rebalance.same_person'], `${who.owner} already approved rebalance ${id}`);
    await tx.query(`INSERT INTO treasury.rebalance_approvals (rebalance_id, owner, key_id) VALUES ($1, $2, $3)`, [
      id,
      who.owner,
      who.keyId,
    ]);
    const count = rb.approvals.length + 1;
    const approved = count >= rb.approvalsRequired;
    if (approved)
      await tx.query(`UPDATE treasury.rebalances SET status = 'approved', updated_at = now() WHERE id = $1`, [id]);
    await audit.append(tx, {
      actor: { id: who.keyId, role: who.role },
      action: approved ? 'treasury.rebalance_approved' : 'treasury.rebalance_approval',
      subject: { type: 'rebalance', id },
      payload: { owner: who.owner, approvals: count, required: rb.approvalsRequired, amount: `${rb.amount}` },
    });
    return (await rebalanceById(tx, id)) as Rebalance;
  });
}
