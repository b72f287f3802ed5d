import { z } from 'zod';
import type { Database, Tx } from '@strongroom/persistence';
import { decodeCursor, pageOf } from '@strongroom/shared-http';
import type { AssetCode } from '@strongroom/shared-types';
import type { AuditPort, AuditRecord, Clock } from '../ports';
import { audit, auditActor, runTx } from '../core/run-tx';
import { pageLimit, seqPage } from '../seq-page';
import { scopedClientsParam, type Actor } from '../withdrawal.types';
import { effectivePolicy } from './evaluate-policy';
import { assertPolicyBounds, assertPolicyCanPass } from './policy-bounds';
import type { Policy, PolicyChange } from './policy.types';

/** What an admin sets; the rest of a policy (keys, version, who and when) is recorded by the service. */
export type PolicyInput = Omit<Policy, 'asset' | 'clientId' | 'version' | 'updatedBy' | 'updatedAt'>;

interface PolicyRow {
  asset: string;
  client_id: string;
  max_amount: string | null;
  user_daily_limit: string | null;
  client_daily_limit: string | null;
  allowlist: string[] | null;
  approval_threshold: string | null;
  approvals_required: number;
  breaker_window_seconds: number | null;
  breaker_limit: string | null;
  withdrawal_fee: string;
  version: number;
  updated_by: string;
  updated_at: Date;
}

interface PolicyChangeRow {
  id: string;
  asset: string;
  client_id: string;
  version: number;
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
  changed_by: string;
  changed_at: Date;
}

export interface PolicyListQuery {
  asset?: string;
  limit?: number;
  cursor?: string;
}

/** Where a policy page ends: the last (asset, client id) it held. */
const PolicyPosition = z.tuple([z.string().min(1).max(16), z.string().min(1).max(128)]);

const big = (v: string | null): bigint | null => (v === null ? null : BigInt(v));

const changeOf = (r: PolicyChangeRow): PolicyChange => ({
  id: String(r.id),
  asset: r.asset,
  clientId: r.client_id,
  version: Number(r.version),
  before: r.before,
  after: r.after,
  changedBy: r.changed_by,
  changedAt: new Date(r.changed_at).toISOString(),
});

function fromRow(r: PolicyRow): Policy {
  return {
    asset: r.asset,
    clientId: r.client_id,
    maxAmount: big(r.max_amount),
    userDailyLimit: big(r.user_daily_limit),
    clientDailyLimit: big(r.client_daily_limit),
    allowlist: r.allowlist,
    approvalThreshold: big(r.approval_threshold),
    approvalsRequired: Number(r.approvals_required),
    breakerWindowSeconds: r.breaker_window_seconds === null ? null : Number(r.breaker_window_seconds),
    breakerLimit: big(r.breaker_limit),
    withdrawalFee: BigInt(r.withdrawal_fee),
    version: Number(r.version),
    updatedBy: r.updated_by,
    updatedAt: new Date(r.updated_at),
  };
}

/** JSON form of a policy for the change log and the API (amounts as base-unit strings). */
export function policyJson(p: Policy): Record<string, unknown> {
  const s = (v: bigint | null) => (v === null ? null : v.toString());
  return {
    asset: p.asset,
    clientId: p.clientId,
    maxAmount: s(p.maxAmount),
    userDailyLimit: s(p.userDailyLimit),
    clientDailyLimit: s(p.clientDailyLimit),
    allowlist: p.allowlist,
    approvalThreshold: s(p.approvalThreshold),
    approvalsRequired: p.approvalsRequired,
    breakerWindowSeconds: p.breakerWindowSeconds,
    breakerLimit: s(p.breakerLimit),
    withdrawalFee: p.withdrawalFee.toString(),
    version: p.version,
    updatedBy: p.updatedBy,
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** Policies, their change log and the circuit breakers. Over HTTP a change is proposed by one admin and executed when a second approves. */
/** What the request path and the policy change handler need beside the pipeline's dependencies. */
export interface PolicyDeps {
  policies: PolicyService;
}

export class PolicyService {
  constructor(
    readonly db: Database,
    readonly audit: AuditPort,
    private readonly clock: Clock,
  ) {}

  /** The policy that applies to (asset, client): the asset default overlaid with the client's override. */
  async effective(tx: Tx, asset: AssetCode, clientId: string): Promise<Policy | null> {
    const rows = await tx.query<PolicyRow>(
      `SELECT * FROM withdrawals.policies WHERE asset = $1 AND client_id IN ('*', $2)`,
      [asset, clientId],
    );
    const def = rows.find((r) => r.client_id === '*');
    const own = rows.find((r) => r.client_id === clientId && clientId !== '*');
    return effectivePolicy(def ? fromRow(def) : null, own ? fromRow(own) : null);
  }

  /**
   * By asset, then client id (an asset's default `*` before its overrides), a page at a time. With
   * `viewer`, the asset defaults and the overrides of the viewer's clients only.
   */
  async list(q: PolicyListQuery = {}, viewer?: Actor): Promise<{ data: Policy[]; nextCursor: string | null }> {
    const limit = pageLimit(q.limit);
    const [afterAsset, afterClient] = q.cursor === undefined ? [null, null] : decodeCursor(PolicyPosition, q.cursor);
    const rows = await this.db.query<PolicyRow>(
      `SELECT * FROM withdrawals.policies WHERE ($1::text IS NULL OR asset = $1)
          AND ($2::text IS NULL OR (asset, client_id) > ($2::text, $3::text))
          AND (client_id = '*' OR $4::text IS NULL OR client_id IN (SELECT jsonb_array_elements_text($4::jsonb)))
        ORDER BY asset, client_id LIMIT $5`,
      [q.asset ?? null, afterAsset, afterClient, scopedClientsParam(viewer), limit + 1],
    );
    return pageOf(rows.map(fromRow), limit, (p) => [p.asset, p.clientId]);
  }

  /** The change log, oldest first, a page at a time; with `viewer`, of asset defaults and the viewer's clients only. */
  async changes(q: PolicyListQuery = {}, viewer?: Actor): Promise<{ data: PolicyChange[]; nextCursor: string | null }> {
    const { limit, after, cut } = seqPage(q);
    const rows = await this.db.query<PolicyChangeRow>(
      `SELECT * FROM withdrawals.policy_changes WHERE ($1::text IS NULL OR asset = $1) AND ($2::bigint IS NULL OR id > $2::bigint)
          AND (client_id = '*' OR $3::text IS NULL OR client_id IN (SELECT jsonb_array_elements_text($3::jsonb)))
        ORDER BY id LIMIT $4`,
      [q.asset ?? null, after, scopedClientsParam(viewer), limit + 1],
    );
    const { data, nextCursor } = cut(rows, (r) => r.id);
    return { data: data.map(changeOf), nextCursor };
  }

  /**
   * Creates or replaces a policy directly (tests, tools, and the executor of an approved
   * `withdrawals.policy` change): the HTTP route only proposes, a second admin approves.
   */
  async put(actor: Actor, asset: AssetCode, clientId: string, input: PolicyInput): Promise<Policy> {
    return runTx(this, async (tx) => {
      const { policy, record } = await this.write(tx, actor, asset, clientId, input);
      audit(tx, record);
      return policy;
    });
  }

  /**
   * Validates (bounds, and that the effective policy can let a withdrawal through) and writes one
   * policy row with its change-log entry, in the caller's transaction. Returns the audit record
   * for the caller to append last.
   */
  async write(
    tx: Tx,
    actor: Actor,
    asset: AssetCode,
    clientId: string,
    input: PolicyInput,
    approval?: Record<string, unknown>,
  ): Promise<{ policy: Policy; record: AuditRecord }> {
    assertPolicyBounds(input);
    const now = this.clock.now();
    await this.assertEffectiveCanPass(tx, asset, clientId, input);
    const [old] = await tx.query<PolicyRow>(
      `SELECT * FROM withdrawals.policies WHERE asset = $1 AND client_id = $2 FOR UPDATE`,
      [asset, clientId],
    );
    const version = old ? Number(old.version) + 1 : 1;
    const s = (v: bigint | null) => (v === null ? null : v.toString());
    const [row] = await tx.query<PolicyRow>(
      `INSERT INTO withdrawals.policies (asset, client_id, max_amount, user_daily_limit, client_daily_limit, allowlist,
         approval_threshold, approvals_required, breaker_window_seconds, breaker_limit, withdrawal_fee, version, updated_by, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6::jsonb,$7,$8,$9,$10,$11,$12,$13,$14)
       ON CONFLICT (asset, client_id) DO UPDATE SET max_amount = EXCLUDED.max_amount, user_daily_limit = EXCLUDED.user_daily_limit,
         client_daily_limit = EXCLUDED.client_daily_limit, allowlist = EXCLUDED.allowlist, approval_threshold = EXCLUDED.approval_threshold,
         approvals_required = EXCLUDED.approvals_required, breaker_window_seconds = EXCLUDED.breaker_window_seconds,
         breaker_limit = EXCLUDED.breaker_limit, withdrawal_fee = EXCLUDED.withdrawal_fee, version = EXCLUDED.version,
         updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
       RETURNING *`,
      [
        asset,
        clientId,
        s(input.maxAmount),
        s(input.userDailyLimit),
        s(input.clientDailyLimit),
        input.allowlist === null ? null : JSON.stringify(input.allowlist),
        s(input.approvalThreshold),
        input.approvalsRequired,
        input.breakerWindowSeconds,
        s(input.breakerLimit),
        input.withdrawalFee.toString(),
        version,
        actor.keyId,
        now,
      ],
    );
    const policy = fromRow(row);
    const before = old ? policyJson(fromRow(old)) : null;
    const after = policyJson(policy);
    await tx.query(
      `INSERT INTO withdrawals.policy_changes (asset, client_id, version, before, after, changed_by, changed_at) VALUES ($1,$2,$3,$4::jsonb,$5::jsonb,$6,$7)`,
      [
        asset,
        clientId,
        version,
        before === null ? null : JSON.stringify(before),
        JSON.stringify(after),
        actor.keyId,
        now,
      ],
    );
    const record: AuditRecord = {
      actor: auditActor(actor.keyId, actor.role),
      action: 'withdrawal_policy.changed',
      subject: { type: 'withdrawal_policy', id: `${asset}:${clientId}` },
      payload: { before, after, ...(approval ? { approval } : {}) },
    };
    return { policy, record };
  }

  /** The new row overlaid as requests would meet it: on the asset default, or under it for every client override. */
  async assertEffectiveCanPass(
    tx: Pick<Tx, 'query'>,
    asset: AssetCode,
    clientId: string,
    input: PolicyInput,
  ): Promise<void> {
    const rows = (await tx.query<PolicyRow>(`SELECT * FROM withdrawals.policies WHERE asset = $1`, [asset])).map(
      fromRow,
    );
    const candidate: Policy = { ...input, asset, clientId, version: 0, updatedBy: '', updatedAt: new Date(0) };
    if (clientId === '*') {
      assertPolicyCanPass(candidate);
      for (const own of rows.filter((r) => r.clientId !== '*'))
        assertPolicyCanPass(effectivePolicy(candidate, own) as Policy);
    } else {
      assertPolicyCanPass(effectivePolicy(rows.find((r) => r.clientId === '*') ?? null, candidate) as Policy);
    }
  }

  async breaker(
    tx: Tx,
    asset: AssetCode,
  ): Promise<{ paused: boolean; trippedAt: Date | null; reason: string | null; resetAt: Date | null }> {
    const [b] = await tx.query<{
      paused: boolean;
      tripped_at: Date | null;
      reason: string | null;
      reset_at: Date | null;
    }>(`SELECT * FROM withdrawals.breakers WHERE asset = $1`, [asset]);
    return {
      paused: b?.paused ?? false,
      trippedAt: b?.tripped_at ? new Date(b.tripped_at) : null,
      reason: b?.reason ?? null,
      resetAt: b?.reset_at ? new Date(b.reset_at) : null,
    };
  }

  async trip(tx: Tx, asset: AssetCode, reason: string): Promise<void> {
    await tx.query(
      `INSERT INTO withdrawals.breakers (asset, paused, tripped_at, reason) VALUES ($1, true, $2, $3)
       ON CONFLICT (asset) DO UPDATE SET paused = true, tripped_at = EXCLUDED.tripped_at, reason = EXCLUDED.reason`,
      [asset, this.clock.now(), reason],
    );
    audit(tx, {
      actor: auditActor('system:circuit-breaker'),
      action: 'withdrawal_breaker.tripped',
      subject: { type: 'asset', id: asset },
      payload: { reason },
    });
  }

  /** Re-opens a paused asset. Outflows already counted stay counted: the window rolls on by itself. */
  async reset(actor: Actor, asset: AssetCode): Promise<{ asset: string; paused: boolean }> {
    return runTx(this, async (tx) => {
      const now = this.clock.now();
      await tx.query(
        `INSERT INTO withdrawals.breakers (asset, paused, reset_by, reset_at) VALUES ($1, false, $2, $3)
         ON CONFLICT (asset) DO UPDATE SET paused = false, reset_by = EXCLUDED.reset_by, reset_at = EXCLUDED.reset_at`,
        [asset, actor.keyId, now],
      );
      audit(tx, {
        actor: auditActor(actor.keyId, actor.role),
        action: 'withdrawal_breaker.reset',
        subject: { type: 'asset', id: asset },
        payload: {},
      });
      return { asset, paused: false };
    });
  }
}
