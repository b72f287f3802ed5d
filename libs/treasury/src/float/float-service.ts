import type { AuditLog } from '@strongroom/audit';
import type { Database, Tx } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import type { WalletDirectory, WalletRecord } from '@strongroom/wallets';
import { ruleJson } from '../rules/policy-input';
import type { PolicyStore } from '../policy/policy-store';
import { cancelPlanned, openRebalance } from '../rebalances/rebalance-store';
import type { Rebalance } from '../rebalances/rebalance.types';
import { recordFloat } from '../treasury.metrics';
import { decide, type FloatDecision } from '../rules/float-decision';
import type { FloatInputs } from './float-inputs';
import { boundsOf, lookbackMs, OPERATOR_OWNER, runoutSeconds, type FloatPolicy } from '../rules/float-policy';
import { insertReading, linkRebalance, type FloatReading } from './float-reading';

export interface FloatResult {
  reading: FloatReading;
  rebalance: Rebalance | null;
}

const SYSTEM = { id: 'treasury-float', role: 'system' };

/**
 * Recomputes every float: per policy, in one transaction, reads the hot wallet's custody balance
 * and its owner's settled outflows, applies the rule, writes the reading, plans or requests the
 * rebalance it calls for and appends the decision to the audit log. Then the gauges.
 */
export class FloatService {
  constructor(
    private readonly db: Database,
    private readonly policies: Pick<PolicyStore, 'list'>,
    private readonly inputs: FloatInputs,
    private readonly wallets: Pick<WalletDirectory, 'slotHolder'>,
    private readonly assets: AssetRegistry,
    private readonly audit: Pick<AuditLog, 'append'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** `slot`: the scheduler's tick (one reading per float per slot); absent for an on-demand run. */
  async recompute(slot: bigint | null = null): Promise<FloatResult[]> {
    const out: FloatResult[] = [];
    for (const p of await this.policies.list()) {
      const r = await this.db.transaction((tx) => this.recomputeOne(tx, p, slot));
      if (!r) continue;
      out.push(r);
      if (r.reading.outcome !== 'no_wallet') recordFloat(r.reading);
    }
    return out;
  }

  private async recomputeOne(tx: Tx, p: FloatPolicy, slot: bigint | null): Promise<FloatResult | null> {
    const now = this.now();
    const chain = this.assets.get(p.asset).chain;
    const clientId = p.owner === OPERATOR_OWNER ? null : p.owner;
    const hot = await this.wallets.slotHolder(chain, clientId, 'hot', tx);
    const cold = await this.wallets.slotHolder(chain, clientId, 'cold', tx);
    const since = new Date(now.getTime() - lookbackMs(p.rule));
    const outflows = await this.inputs.outflows(tx, p.owner, p.asset, since);
    const bounds = boundsOf(p.rule, outflows, now);
    const balance = hot ? await this.inputs.custodyBalance(tx, hot.id, p.asset) : 0n;
    const decision: FloatDecision | null = hot ? decide(balance, bounds) : null;
    const runout = runoutSeconds(balance, outflows, now);
    const reading = await insertReading(tx, {
      asset: p.asset,
      owner: p.owner,
      slot,
      hotWalletId: hot?.id ?? null,
      coldWalletId: cold?.id ?? null,
      balance,
      target: bounds.target,
      lower: bounds.lower,
      upper: bounds.upper,
      inputs: {
        at: now.toISOString(),
        hotBalance: `${balance}`,
        outflowsSince: since.toISOString(),
        outflowCount: outflows.length,
        outflowTotal: `${outflows.reduce((s, o) => s + o.amount, 0n)}`,
        ...(bounds.p95 !== undefined ? { p95Rolling24h: `${bounds.p95}` } : {}),
        leadTimeSeconds: p.leadTimeSeconds,
      },
      rule: ruleJson(p.rule),
      outcome: decision?.outcome ?? 'no_wallet',
      runoutSeconds: runout,
      runoutAlert: runout !== null && runout < p.leadTimeSeconds,
    });
    if (!reading) return null;
    const rebalance = decision && hot ? await this.rebalance(tx, p, reading, decision, hot, cold) : null;
    if (rebalance) await linkRebalance(tx, reading.id, rebalance.id);
    await this.audit.append(tx, {
      actor: SYSTEM,
      action: 'treasury.float_decision',
      subject: { type: 'float', id: `${p.asset}:${p.owner}` },
      payload: auditPayload(reading, decision, rebalance),
    });
    return { reading: { ...reading, rebalanceId: rebalance?.id ?? null }, rebalance };
  }

  private async rebalance(
    tx: Tx,
    p: FloatPolicy,
    reading: FloatReading,
    d: FloatDecision,
    hot: WalletRecord,
    cold: WalletRecord | null,
  ): Promise<Rebalance | null> {
    if (d.outcome !== 'above_upper') await cancelPlanned(tx, p.asset, p.owner);
    // Without a cold wallet in the owner's slot there is nowhere to move to or from: the reading says so.
    if (d.outcome === 'ok' || !cold) return null;
    const up = d.outcome === 'below_lower';
    return openRebalance(tx, {
      asset: p.asset,
      owner: p.owner,
      direction: up ? 'cold_to_hot' : 'hot_to_cold',
      amount: d.amount,
      reason: d.reason,
      fromWalletId: up ? cold.id : hot.id,
      toWalletId: up ? hot.id : cold.id,
      approvalsRequired: up ? p.approvalsRequired : 0,
      readingId: reading.id,
    });
  }
}

function auditPayload(r: FloatReading, d: FloatDecision | null, rb: Rebalance | null) {
  return {
    readingId: `${r.id}`,
    slot: r.slot === null ? null : `${r.slot}`,
    inputs: r.inputs,
    rule: r.rule,
    bounds: { target: `${r.target}`, lower: `${r.lower}`, upper: `${r.upper}` },
    outcome: r.outcome,
    reason: d?.reason ?? 'no hot wallet serves this owner on the chain',
    runoutSeconds: r.runoutSeconds,
    runoutAlert: r.runoutAlert,
    rebalance: rb ? { id: rb.id, direction: rb.direction, amount: `${rb.amount}`, status: rb.status } : null,
  };
}
