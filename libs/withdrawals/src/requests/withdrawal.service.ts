import { createHash, randomUUID } from 'node:crypto';
import { assertClientScope, requireActiveClient } from '@strongroom/api-auth';
import { conflict, DomainError, notFound, parseAssetUnits, unprocessable } from '@strongroom/shared-types';
import { assertAssetServed } from './asset-serving';
import { seqPage } from '../seq-page';
import { evaluatePolicy } from '../policy/evaluate-policy';
import { holdId, holdTransfer, voidHold } from '../core/holds';
import { adapterFor, type PipelineDeps } from '../core/deps';
import type { PolicyDeps } from '../policy/policy.service';
import { runTx } from '../core/run-tx';
import { transition } from '../core/transition';
import { toWithdrawal, type WithdrawalRow } from '../withdrawal-row';
import { CANCELLABLE, ownerOf, scopeOf, type Actor, type Withdrawal, type WithdrawalStatus } from '../withdrawal.types';

export interface WithdrawalRequest {
  clientId: string;
  userId: string;
  asset: string;
  /** Asset units, decimal string ("0.015"). */
  amount: string;
  destination: string;
  memo?: string;
  reference?: string;
}

export interface ListQuery {
  clientId?: string;
  userId?: string;
  asset?: string;
  status?: WithdrawalStatus;
  batchId?: string;
  limit?: number;
  cursor?: string;
}

/** A request refused by policy: recorded as a rejected withdrawal, answered 422 with the rule. */
export class PolicyDenied extends DomainError {
  constructor(
    code: string,
    detail: string,
    readonly withdrawal: Withdrawal,
  ) {
    super(code, 422, detail, { withdrawalId: withdrawal.id, rule: withdrawal.rule });
  }
}

const LIVE = `status NOT IN ('requested', 'rejected', 'cancelled', 'failed')`;

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
    assertClientScope(scopeOf(actor), req.clientId);
    const asset = deps.assets.get(req.asset);
    const amount = parseAssetUnits(req.amount, asset.decimals);
    const adapter = adapterFor(deps, asset.chain);
    // Refused here, not when the batch is built: nothing is held for an asset that cannot leave.
    assertAssetServed(adapter, asset);
    const check = adapter.validateAddress(req.destination);
    if (!check.ok) throw new DomainError(check.code, 400, check.reason, { field: 'destination' });
    const destination = check.normalized;
    const requestHash = createHash('sha256')
      .update(
        JSON.stringify([
          req.clientId,
          req.userId,
          asset.code,
          amount.toString(),
          destination,
          req.memo ?? null,
          req.reference ?? null,
        ]),
      )
      .digest('hex');

    const outcome = await runTx(deps, async (tx) => {
      const id = randomUUID();
      const now = deps.clock.now();
      const inserted = await tx.query<{ id: string }>(
        `INSERT INTO withdrawals.withdrawals (id, client_id, user_id, asset, chain, amount, destination, memo, reference,
           requested_by, requester_owner, idempotency_key, request_hash, status, created_at, updated_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$14,$11,$12,'requested',$13,$13)
         ON CONFLICT (requested_by, idempotency_key) DO NOTHING RETURNING id`,
        [
          id,
          req.clientId,
          req.userId,
          asset.code,
          asset.chain,
          amount.toString(),
          destination,
          req.memo ?? null,
          req.reference ?? null,
          actor.keyId,
          idempotencyKey,
          requestHash,
          now,
          ownerOf(actor),
        ],
      );
      if (inserted.length === 0) {
        const [orig] = await tx.query<WithdrawalRow>(
          `SELECT * FROM withdrawals.withdrawals WHERE requested_by = $1 AND idempotency_key = $2`,
          [actor.keyId, idempotencyKey],
        );
        if (orig.request_hash !== requestHash) {
          throw conflict(
            'idempotency.conflict',
            'this Idempotency-Key was already used with a different request body',
            { withdrawalId: orig.id },
          );
        }
        return { kind: 'replayed' as const, id: orig.id };
      }
      // An unknown or suspended client is refused, never a silent new namespace.
      await requireActiveClient(tx, req.clientId);
      const policy = await deps.policies.effective(tx, asset.code, req.clientId);
      // Deny by default, and refuse rather than hold: with no policy nobody has decided what may
      // leave, so nothing is held or recorded and a retry succeeds once an admin pair sets one.
      if (!policy) {
        throw unprocessable(
          'withdrawal.no_policy',
          `no withdrawal policy applies to ${asset.code} for client ${req.clientId}; an admin must set the asset default or the client's policy`,
          { asset: asset.code, clientId: req.clientId },
        );
      }
      const userAccount = await deps.accounts.user(tx, req.clientId, req.userId, asset.code);
      // Aggregate limits are checked under a per-asset lock so two racing requests cannot both
      // fit under the same remaining allowance (the ledger's row lock only covers one user).
      const aggregate =
        policy.userDailyLimit !== null || policy.clientDailyLimit !== null || policy.breakerLimit !== null;
      if (aggregate) await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`withdrawals:asset:${asset.code}`]);
      const breaker = await deps.policies.breaker(tx, asset.code);
      let sums = { user_sum: '0', client_sum: '0', window_sum: '0' };
      if (aggregate) {
        const dayAgo = new Date(now.getTime() - 86_400_000);
        let windowStart = new Date(now.getTime() - (policy.breakerWindowSeconds ?? 0) * 1000);
        if (breaker.resetAt && breaker.resetAt > windowStart) windowStart = breaker.resetAt;
        [sums] = await tx.query<typeof sums>(
          `SELECT COALESCE(SUM(amount) FILTER (WHERE client_id = $2 AND user_id = $3 AND created_at > $4), 0)::text AS user_sum,
                  COALESCE(SUM(amount) FILTER (WHERE client_id = $2 AND created_at > $4), 0)::text AS client_sum,
                  COALESCE(SUM(amount) FILTER (WHERE created_at > $5), 0)::text AS window_sum
             FROM withdrawals.withdrawals WHERE asset = $1 AND ${LIVE} AND created_at > LEAST($4::timestamptz, $5::timestamptz)`,
          [asset.code, req.clientId, req.userId, dayAgo, windowStart],
        );
      }
      const decision = evaluatePolicy(policy, {
        amount,
        destination,
        userOutflow24h: BigInt(sums.user_sum),
        clientOutflow24h: BigInt(sums.client_sum),
        windowOutflow: BigInt(sums.window_sum),
        paused: breaker.paused,
      });
      const actorId = actor.keyId;
      await transition(tx, deps, id, null, 'requested', {
        actor: actorId,
        actorRole: actor.role,
        detail: { clientId: req.clientId, userId: req.userId, asset: asset.code, amount: req.amount, destination },
      });
      if (decision.outcome === 'deny') {
        if (decision.tripBreaker) await deps.policies.trip(tx, asset.code, `withdrawal ${id}: ${decision.detail}`);
        await transition(
          tx,
          deps,
          id,
          'requested',
          'rejected',
          { actor: 'system:policy', rule: decision.rule, detail: { code: decision.code } },
          { rule: decision.rule, reason: decision.code },
        );
        return { kind: 'denied' as const, id, code: decision.code, detail: decision.detail };
      }
      const fee = policy.withdrawalFee;
      const inFlight = await deps.accounts.inFlight(tx, asset.chain, asset.code);
      await tx.query(`UPDATE withdrawals.withdrawals SET fee = $2 WHERE id = $1`, [id, fee.toString()]);
      // The state moves are written before the hold: the ledger's sequencer lock (global) is then
      // held only for the hold itself and the commit. A refused hold rolls all of it back.
      await transition(tx, deps, id, 'requested', 'held', {
        actor: actorId,
        actorRole: actor.role,
        detail: { holdId: holdId(id, 'hold'), amount: (amount + fee).toString() },
      });
      if (decision.outcome === 'await_approval') {
        await transition(
          tx,
          deps,
          id,
          'held',
          'awaiting_approval',
          { actor: 'system:policy', rule: decision.rule, detail: { approvalsRequired: decision.approvalsRequired } },
          { rule: decision.rule, approvalsRequired: decision.approvalsRequired },
        );
      } else {
        await transition(
          tx,
          deps,
          id,
          'held',
          'approved',
          { actor: 'system:policy', rule: decision.rule },
          { rule: decision.rule, approvalsRequired: 0 },
        );
      }
      const [hold] = await deps.ledger.createTransfers(
        [holdTransfer(id, { user: userAccount, inFlight }, amount + fee)],
        tx,
      );
      if (!hold.ok) {
        // Rolls the whole request back: no withdrawal, no hold, the key may be retried later.
        throw unprocessable(
          /insufficient|exceed/i.test(hold.code) ? 'withdrawal.insufficient_funds' : 'withdrawal.hold_refused',
          `the ledger refused the hold: ${hold.detail}`,
          { ledgerCode: hold.code },
        );
      }
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
    if (!row) throw notFound('withdrawal.not_found', `no withdrawal ${id}`, { withdrawalId: id });
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
  async list(q: ListQuery, viewer?: Actor): Promise<{ items: Withdrawal[]; nextCursor: string | null }> {
    const { limit, before, cut } = seqPage(q);
    const scope = viewer ? scopeOf(viewer) : null;
    if (scope && q.clientId !== undefined) assertClientScope(scope, q.clientId);
    const clients = scope && scope.clients !== 'all' && q.clientId === undefined ? [...scope.clients] : null;
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
        before,
        limit + 1,
        clients === null ? null : JSON.stringify(clients),
      ],
    );
    const { page, nextCursor } = cut(rows);
    return { items: page.map((r) => toWithdrawal(r, this.deps.assets)), nextCursor };
  }

  /** Cancels a withdrawal that no key has signed yet, voiding its hold (and leaving its batch). */
  async cancel(actor: Actor, id: string, reason?: string): Promise<Withdrawal> {
    const { deps } = this;
    await runTx(deps, async (tx) => {
      const [peek] = await tx.query<{ batch_id: string | null; client_id: string }>(
        `SELECT batch_id, client_id FROM withdrawals.withdrawals WHERE id = $1`,
        [id],
      );
      if (!peek) throw notFound('withdrawal.not_found', `no withdrawal ${id}`, { withdrawalId: id });
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
        throw conflict(
          'withdrawal.not_cancellable',
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
