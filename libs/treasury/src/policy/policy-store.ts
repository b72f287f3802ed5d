import type { Principal } from '@strongroom/api-auth';
import type { AuditLog } from '@strongroom/audit';
import type { Database, Tx } from '@strongroom/persistence';
import type { FloatPolicy } from '../rules/float-policy';
import { parseRule, ruleJson, type FloatRuleJson } from '../rules/policy-input';

interface PolicyRow {
  asset: string;
  owner: string;
  rule: FloatRuleJson | string;
  lead_time_seconds: number;
  approvals_required: number;
  updated_by: string;
  updated_at: Date | string;
}

function toPolicy(r: PolicyRow): FloatPolicy {
  return {
    asset: r.asset,
    owner: r.owner,
    rule: parseRule(typeof r.rule === 'string' ? (JSON.parse(r.rule) as FloatRuleJson) : r.rule),
    leadTimeSeconds: Number(r.lead_time_seconds),
    approvalsRequired: Number(r.approvals_required),
    updatedBy: r.updated_by,
    updatedAt: new Date(r.updated_at),
  };
}

export type PolicyInput = Pick<FloatPolicy, 'asset' | 'owner' | 'rule' | 'leadTimeSeconds' | 'approvalsRequired'>;

/** Float policies (treasury.policies): one per asset and owner. Written only by an executed dual-control change. */
export class PolicyStore {
  constructor(
    private readonly db: Database,
    private readonly audit: Pick<AuditLog, 'append'>,
  ) {}

  /** Ordered by asset, then owner; `owners` narrows to these owners (a client-scoped key). */
  async list(owners?: readonly string[], tx?: Tx): Promise<FloatPolicy[]> {
    const rows = await (tx ?? this.db).query<PolicyRow>(
      `SELECT * FROM treasury.policies WHERE ($1::text[] IS NULL OR owner = ANY($1::text[])) ORDER BY asset, owner`,
      [owners ? [...owners] : null],
    );
    return rows.map(toPolicy);
  }

  /** Sets the policy in the approval's transaction, with before and after in the audit log. */
  async put(
    tx: Tx,
    p: PolicyInput,
    by: { maker: Principal; checker: Principal; changeId: string },
  ): Promise<FloatPolicy> {
    const [before] = await tx.query<PolicyRow>(
      `SELECT * FROM treasury.policies WHERE asset = $1 AND owner = $2 FOR UPDATE`,
      [p.asset, p.owner],
    );
    const [row] = await tx.query<PolicyRow>(
      `INSERT INTO treasury.policies (asset, owner, kind, rule, lead_time_seconds, approvals_required, updated_by, updated_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, now())
       ON CONFLICT (asset, owner) DO UPDATE SET kind = EXCLUDED.kind, rule = EXCLUDED.rule,
         lead_time_seconds = EXCLUDED.lead_time_seconds, approvals_required = EXCLUDED.approvals_required,
         updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING *`,
      [
        p.asset,
        p.owner,
        p.rule.kind,
        JSON.stringify(ruleJson(p.rule)),
        p.leadTimeSeconds,
        p.approvalsRequired,
        by.maker.keyId,
      ],
    );
    const after = toPolicy(row);
    await this.audit.append(tx, {
      actor: { id: by.checker.keyId, role: by.checker.role },
      action: 'treasury.policy_changed',
      subject: { type: 'float_policy', id: `${p.asset}:${p.owner}` },
      payload: {
        changeId: by.changeId,
        maker: by.maker.keyId,
        before: before ? policyJson(toPolicy(before)) : null,
        after: policyJson(after),
      },
    });
    return after;
  }
}

export function policyJson(p: FloatPolicy) {
  return {
    asset: p.asset,
    owner: p.owner,
    rule: ruleJson(p.rule),
    leadTimeSeconds: p.leadTimeSeconds,
    approvalsRequired: p.approvalsRequired,
    updatedBy: p.updatedBy,
    updatedAt: p.updatedAt.toISOString(),
  };
}
