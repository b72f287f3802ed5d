import { createHash } from 'node:crypto';
import type { Tx } from '@strongroom/persistence';
import type { AssetInfo } from '@strongroom/shared-assets';
import { assertClientScope } from '@strongroom/api-auth';
import { ChainErrors } from '@strongroom/chains-core';
import { domainError, parseBaseUnits, type AssetCode } from '@strongroom/shared-types';
import { adapterFor, type PipelineDeps } from '../core/deps';
import { holdId, holdTransfer } from '../core/holds';
import { transition } from '../core/transition';
import { evaluatePolicy } from '../policy/evaluate-policy';
import type { PolicyDeps } from '../policy/policy.service';
import type { Policy, PolicyDecision } from '../policy/policy.types';
import type { WithdrawalRow } from '../withdrawal-row';
import { ownerOf, scopeOf, type Actor } from '../withdrawal.types';
import { assertAssetServed } from './asset-serving';
import { WithdrawalErrors } from '../withdrawals.errors';

export interface WithdrawalRequest {
  clientId: string;
  userId: string;
  asset: string;
  /** Base units, digits only ("1500000" satoshi for 0.015 BTC): docs/api-conventions.md. */
  amount: string;
  destination: string;
  memo?: string;
  reference?: string;
}

/** A request that passed the checks made before any transaction: its asset, base units, normalised destination, body hash. */
export interface ValidRequest {
  asset: AssetInfo;
  amount: bigint;
  destination: string;
  requestHash: string;
}

type RequestDeps = PipelineDeps & PolicyDeps;
type Approving = Exclude<PolicyDecision, { outcome: 'deny' }>;

const LIVE = `status NOT IN ('requested', 'rejected', 'cancelled', 'failed')`;

/**
 * Scope, asset, amount, served asset and destination, before any transaction. The hash covers
 * the body in normalised form (base units, normalised address), so "0250" and "250" are one request.
 */
export function validateRequest(deps: PipelineDeps, actor: Actor, req: WithdrawalRequest): ValidRequest {
  assertClientScope(scopeOf(actor), req.clientId);
  const asset = deps.assets.get(req.asset);
  const amount = parseBaseUnits(req.amount);
  const adapter = adapterFor(deps, asset.chain);
  // Refused here, not when the batch is built: nothing is held for an asset that cannot leave.
  assertAssetServed(adapter, asset);
  const check = adapter.validateAddress(req.destination);
  if (!check.ok) throw domainError(ChainErrors[check.code], check.reason, { field: 'destination' });
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
  return { asset, amount, destination, requestHash };
}

/**
 * Inserts the request row, or finds the one this key already made: returns its id when replayed
 * (same body), throws `idempotency.conflict` for another body, null when inserted.
 */
export async function insertRequest(
  tx: Tx,
  actor: Actor,
  idempotencyKey: string,
  req: WithdrawalRequest,
  v: ValidRequest,
  id: string,
  now: Date,
): Promise<string | null> {
  const inserted = await tx.query<{ id: string }>(
    `INSERT INTO withdrawals.withdrawals (id, client_id, user_id, asset, chain, amount, destination, memo, reference,
       requested_by, requester_owner, idempotency_key, request_hash, status, created_at, updated_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$14,$11,$12,'requested',$13,$13)
     ON CONFLICT (requested_by, idempotency_key) DO NOTHING RETURNING id`,
    [
      id,
      req.clientId,
      req.userId,
      v.asset.code,
      v.asset.chain,
      v.amount.toString(),
      v.destination,
      req.memo ?? null,
      req.reference ?? null,
      actor.keyId,
      idempotencyKey,
      v.requestHash,
      now,
      ownerOf(actor),
    ],
  );
  if (inserted.length > 0) return null;
  const [orig] = await tx.query<WithdrawalRow>(
    `SELECT * FROM withdrawals.withdrawals WHERE requested_by = $1 AND idempotency_key = $2`,
    [actor.keyId, idempotencyKey],
  );
  if (orig.request_hash !== v.requestHash) {
    throw domainError(
      WithdrawalErrors['idempotency.conflict'],
      'this Idempotency-Key was already used with a different request body',
      {
        withdrawalId: orig.id,
      },
    );
  }
  return orig.id;
}

/**
 * The effective policy, or 422 `withdrawal.no_policy`: deny by default, and refuse rather than
 * hold — with no policy nobody has decided what may leave, so nothing is held or recorded and a
 * retry succeeds once an admin pair sets one.
 */
export async function policyFor(tx: Tx, deps: PolicyDeps, asset: AssetCode, clientId: string): Promise<Policy> {
  const policy = await deps.policies.effective(tx, asset, clientId);
  if (!policy) {
    throw domainError(
      WithdrawalErrors['withdrawal.no_policy'],
      `no withdrawal policy applies to ${asset} for client ${clientId}; an admin must set the asset default or the client's policy`,
      { asset, clientId },
    );
  }
  return policy;
}

/**
 * The policy's decision on this request. Aggregate limits are checked under a per-asset lock so
 * two racing requests cannot both fit under the same remaining allowance (the ledger's row lock
 * only covers one user).
 */
export async function decide(
  tx: Tx,
  deps: RequestDeps,
  policy: Policy,
  req: WithdrawalRequest,
  v: ValidRequest,
  now: Date,
): Promise<PolicyDecision> {
  const asset = v.asset.code;
  const aggregate = policy.userDailyLimit !== null || policy.clientDailyLimit !== null || policy.breakerLimit !== null;
  if (aggregate) await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`withdrawals:asset:${asset}`]);
  const breaker = await deps.policies.breaker(tx, asset);
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
      [asset, req.clientId, req.userId, dayAgo, windowStart],
    );
  }
  return evaluatePolicy(policy, {
    amount: v.amount,
    destination: v.destination,
    userOutflow24h: BigInt(sums.user_sum),
    clientOutflow24h: BigInt(sums.client_sum),
    windowOutflow: BigInt(sums.window_sum),
    paused: breaker.paused,
  });
}

/** A denial is recorded (requested → rejected, the breaker tripped when the rule says so); nothing is held. */
export async function recordDenial(
  tx: Tx,
  deps: RequestDeps,
  id: string,
  asset: AssetCode,
  decision: Extract<PolicyDecision, { outcome: 'deny' }>,
): Promise<void> {
  if (decision.tripBreaker) await deps.policies.trip(tx, asset, `withdrawal ${id}: ${decision.detail}`);
  await transition(
    tx,
    deps,
    id,
    'requested',
    'rejected',
    { actor: 'system:policy', rule: decision.rule, detail: { code: decision.code } },
    { rule: decision.rule, reason: decision.code },
  );
}

/**
 * requested → held → approved | awaiting_approval, then the hold (amount + fee), in one
 * transaction: the hold takes only its own accounts' row locks (the ledger stamps its sequence
 * after commit), so concurrent requests of different users do not wait for each other. A refused
 * hold rolls all of it back: no withdrawal, no hold, the key may be retried later.
 */
export async function holdAndDecide(
  tx: Tx,
  deps: RequestDeps,
  actor: Actor,
  id: string,
  v: ValidRequest,
  fee: bigint,
  userAccount: string,
  decision: Approving,
): Promise<void> {
  const inFlight = await deps.accounts.inFlight(tx, v.asset.chain, v.asset.code);
  await tx.query(`UPDATE withdrawals.withdrawals SET fee = $2 WHERE id = $1`, [id, fee.toString()]);
  await transition(tx, deps, id, 'requested', 'held', {
    actor: actor.keyId,
    actorRole: actor.role,
    detail: { holdId: holdId(id, 'hold'), amount: (v.amount + fee).toString(), asset: v.asset.code },
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
    [holdTransfer(id, { user: userAccount, inFlight }, v.amount + fee)],
    tx,
  );
  if (!hold.ok) {
    throw domainError(
      /insufficient|exceed/i.test(hold.code)
        ? WithdrawalErrors['withdrawal.insufficient_funds']
        : WithdrawalErrors['withdrawal.hold_refused'],
      `the ledger refused the hold: ${hold.detail}`,
      { ledgerCode: hold.code },
    );
  }
}
