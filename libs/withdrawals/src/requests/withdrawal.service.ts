import { randomUUID } from 'node:crypto';
import { assertClientScope, requireActiveClient } from '@strongroom/api-auth';
import { DomainError, domainError, type ErrorEntry } from '@strongroom/shared-types';
import { WithdrawalErrors } from '../withdrawals.errors';
import { seqPage } from '../seq-page';
import { voidHold } from '../core/holds';
import type { PipelineDeps } from '../core/deps';
import type { PolicyDeps } from '../policy/policy.service';
import { runTx } from '../core/run-tx';
import { transition } from '../core/transition';
import {
  decide,
  holdAndDecide,
  insertRequest,
  policyFor,
  recordDenial,
  validateRequest,
  type WithdrawalRequest,
} from './request-steps';

export type { WithdrawalRequest } from './request-steps';
import { toWithdrawal, withdrawalPage, type WithdrawalRow } from '../withdrawal-row';
import {
  CANCELLABLE,
  scopeOf,
  scopedClientsParam,
  type Actor,
  type Withdrawal,
  type WithdrawalStatus,
} from '../withdrawal.types';

export interface ListQuery {
  clientId?: string;
  userId?: string;
  asset?: string;
  status?: WithdrawalStatus;
  batchId?: string;
  limit?: number;
  cursor?: string;
}

/** The catalogue entry of a policy denial code (422 for a code recorded before it was catalogued). */
function denialEntry(code: string): ErrorEntry {
  const entries: Record<string, ErrorEntry> = WithdrawalErrors;
  return entries[code] ?? { code, status: 422, title: 'Denied by policy', context: 'withdrawals' };
}

/** A request refused by policy: recorded as a rejected withdrawal, answered 422 with the rule. */
export class PolicyDenied extends DomainError {
  constructor(
    code: string,
    detail: string,
    readonly withdrawal: Withdrawal,
  ) {
    super(denialEntry(code), detail, { withdrawalId: withdrawal.id, rule: withdrawal.rule });
  }
}

/** Requests, reads and cancellations of withdrawals (the exchange backend's side of the API). */
export class WithdrawalService {
  constructor(private readonly deps: PipelineDeps & PolicyDeps) {}

  /**
   * Validates, decides by policy, places the ledger hold and records the request — all in one
   * transaction. Retrying with the same Idempotency-Key and body returns the original; bad
   * input or insufficient funds leave no trace.
   */
  async request(
    actor: Actor,
    idempotencyKey: string,
    req: WithdrawalRequest,
  ): Promise<{ withdrawal: Withdrawal; created: boolean }> {
    const { deps } = this;
    const valid = validateRequest(deps, actor, req);
    const outcome = await runTx(deps, async (tx) => {
      const id = randomUUID();
      const now = deps.clock.now();
      const replayed = await insertRequest(tx, actor, idempotencyKey, req, valid, id, now);
      if (replayed) return { kind: 'replayed' as const, id: replayed };
      // An unknown or suspended client is refused, never a silent new namespace.
      await requireActiveClient(tx, req.clientId);
      const policy = await policyFor(tx, deps, valid.asset.code, req.clientId);
      const userAccount = await deps.accounts.user(tx, req.clientId, req.userId, valid.asset.code);
      const decision = await decide(tx, deps, policy, req, valid, now);
      await transition(tx, deps, id, null, 'requested', {
        actor: actor.keyId,
        actorRole: actor.role,
        detail: {
          clientId: req.clientId,
          userId: req.userId,
          asset: valid.asset.code,
          amount: req.amount,
          destination: valid.destination,
        },
      });
      if (decision.outcome === 'deny') {
        await recordDenial(tx, deps, id, valid.asset.code, decision);
        return { kind: 'denied' as const, id, code: decision.code, detail: decision.detail };
      }
      await holdAndDecide(tx, deps, actor, id, valid, policy.withdrawalFee, userAccount, decision);
      return { kind: 'created' as const, id };
    });

    const withdrawal = await this.get(outcome.id);
    if (outcome.kind === 'denied') throw new PolicyDenied(outcome.code, outcome.detail, withdrawal);
    if (
      outcome.kind === 'replayed' &&
      withdrawal.status === 'rejected' &&
      withdrawal.reason?.startsWith('policy.') &&
      withdrawal.approvals.length === 0
    ) {
      throw new PolicyDenied(withdrawal.reason, `this request was denied by the ${withdrawal.rule} rule`, withdrawal);
    }
    return { withdrawal, created: outcome.kind === 'created' };
  }

  /** One withdrawal; with `viewer`, 403 `auth.forbidden_client` unless its client is in the viewer's scope. */
  async get(id: string, opts: { history?: boolean; viewer?: Actor } = {}): Promise<Withdrawal> {
    const [row] = await this.deps.db.query<WithdrawalRow>(
      `SELECT w.*, b.txid FROM withdrawals.withdrawals w LEFT JOIN withdrawals.batches b ON b.id = w.batch_id WHERE w.id = $1`,
      [id],
    );
    if (!row) throw domainError(WithdrawalErrors['withdrawal.not_found'], `no withdrawal ${id}`, { withdrawalId: id });
    if (opts.viewer) assertClientScope(scopeOf(opts.viewer), row.client_id);
    const approvals = await this.deps.db.query<{
      approver: string;
      approver_owner: string | null;
      decision: 'approve' | 'reject';
      reason: string | null;
      at: Date;
    }>(
      `SELECT approver, approver_owner, decision, reason, at FROM withdrawals.approvals WHERE withdrawal_id = $1 ORDER BY at`,
      [id],
    );
    const w = toWithdrawal(
      row,
      this.deps.assets,
      approvals.map((a) => ({
        approver: a.approver,
        approverOwner: a.approver_owner ?? a.approver,
        decision: a.decision,
        reason: a.reason,
        at: new Date(a.at).toISOString(),
      })),
    );
    if (opts.history) {
      const hist = await this.deps.db.query<{
        from_status: WithdrawalStatus | null;
        to_status: WithdrawalStatus;
        actor: string;
        rule: string | null;
        at: Date;
      }>(
        `SELECT from_status, to_status, actor, rule, at FROM withdrawals.transitions WHERE withdrawal_id = $1 ORDER BY id`,
        [id],
      );
      w.history = hist.map((h) => ({
        from: h.from_status,
        to: h.to_status,
        actor: h.actor,
        rule: h.rule,
        at: new Date(h.at).toISOString(),
      }));
    }
    return w;
  }

  /**
   * Newest first; `nextCursor` is opaque and null on the last page. With `viewer`, a `clientId`
   * outside its scope is 403 and without one only the viewer's clients are listed.
   */
  async list(q: ListQuery, viewer?: Actor): Promise<{ data: Withdrawal[]; nextCursor: string | null }> {
    const page = seqPage(q);
    if (viewer && q.clientId !== undefined) assertClientScope(scopeOf(viewer), q.clientId);
    const clients = q.clientId === undefined ? scopedClientsParam(viewer) : null;
    const rows = await this.deps.db.query<WithdrawalRow>(
      `SELECT w.*, b.txid FROM withdrawals.withdrawals w LEFT JOIN withdrawals.batches b ON b.id = w.batch_id
        WHERE ($1::text IS NULL OR w.client_id = $1) AND ($2::text IS NULL OR w.user_id = $2) AND ($3::text IS NULL OR w.asset = $3)
          AND ($4::text IS NULL OR w.status = $4) AND ($5::text IS NULL OR w.batch_id = $5) AND ($6::bigint IS NULL OR w.seq < $6::bigint)
          AND ($8::text IS NULL OR w.client_id IN (SELECT jsonb_array_elements_text($8::jsonb)))
        ORDER BY w.seq DESC LIMIT $7`,
      [
        q.clientId ?? null,
        q.userId ?? null,
        q.asset ?? null,
        q.status ?? null,
        q.batchId ?? null,
        page.after,
        page.limit + 1,
        clients,
      ],
    );
    return withdrawalPage(page, rows, this.deps.assets);
  }

  /** Cancels a withdrawal that no key has signed yet, voiding its hold (and leaving its batch). */
  async cancel(actor: Actor, id: string, reason?: string): Promise<Withdrawal> {
    const { deps } = this;
    await runTx(deps, async (tx) => {
      const [peek] = await tx.query<{ batch_id: string | null; client_id: string }>(
        `SELECT batch_id, client_id FROM withdrawals.withdrawals WHERE id = $1`,
        [id],
      );
      if (!peek)
        throw domainError(WithdrawalErrors['withdrawal.not_found'], `no withdrawal ${id}`, { withdrawalId: id });
      // A key cancels only withdrawals of the clients it acts for.
      assertClientScope(scopeOf(actor), peek.client_id);
      // Batch before withdrawal: the same lock order as the signer, so the two cannot deadlock.
      let batchStatus: string | null = null;
      if (peek.batch_id) {
        const [b] = await tx.query<{ status: string }>(
          `SELECT status FROM withdrawals.batches WHERE id = $1 FOR UPDATE`,
          [peek.batch_id],
        );
        batchStatus = b.status;
      }
      const [w] = await tx.query<WithdrawalRow>(`SELECT * FROM withdrawals.withdrawals WHERE id = $1 FOR UPDATE`, [id]);
      if (
        !CANCELLABLE.includes(w.status) ||
        (w.batch_id && batchStatus !== 'batched') ||
        w.batch_id !== peek.batch_id
      ) {
        throw domainError(
          WithdrawalErrors['withdrawal.not_cancellable'],
          `withdrawal ${id} is ${w.status}; only withdrawals not yet being signed can be cancelled`,
          { withdrawalId: id, currentStatus: w.status },
        );
      }
      await voidHold(tx, deps, w);
      await transition(
        tx,
        deps,
        id,
        w.status,
        'cancelled',
        { actor: actor.keyId, actorRole: actor.role, rule: 'cancelled_by_client', detail: { reason: reason ?? null } },
        { reason: reason ?? 'cancelled', batchId: null },
      );
      if (w.batch_id) {
        await tx.query(
          `UPDATE withdrawals.batches SET status = 'cancelled', updated_at = $2
            WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM withdrawals.withdrawals WHERE batch_id = $1)`,
          [w.batch_id, deps.clock.now()],
        );
      }
    });
    return this.get(id);
  }
}
