import type { AssetCode } from '@strongroom/shared-types';

/** The owner of a float: a segregated client's id, or `operator` for the operator's pooled wallets. */
export const OPERATOR_OWNER = 'operator';

/** Hot-wallet bounds in base units, set by hand. */
export interface FixedRule {
  kind: 'fixed';
  target: bigint;
  lower: bigint;
  upper: bigint;
}

/**
 * Bounds from recent withdrawals: target = p95 of rolling 24 h outflows over the last
 * `lookbackDays` days × `coverDays` + `buffer`; lower and upper are fractions of the target,
 * in basis points (10 000 = the target itself).
 */
export interface OutflowRule {
  kind: 'outflow';
  lookbackDays: number;
  coverDays: number;
  buffer: bigint;
  lowerBps: number;
  upperBps: number;
}

export type FloatRule = FixedRule | OutflowRule;

export interface FloatPolicy {
  asset: AssetCode;
  owner: string;
  rule: FloatRule;
  /** How long a replenishment takes to land (people approve, cold signing): the run-out alert's horizon. */
  leadTimeSeconds: number;
  /** Distinct people who must approve a cold → hot replenishment. */
  approvalsRequired: number;
  updatedBy: string;
  updatedAt: Date;
}

export interface Outflow {
  at: Date;
  amount: bigint;
}

export interface Bounds {
  target: bigint;
  lower: bigint;
  upper: bigint;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * The 24 h windows ending on every hour of the last `days` days (days × 24 windows), each the sum
 * of the outflows inside it: hourly steps make the rolling window see a burst whichever hour it
 * started, without a window per withdrawal.
 */
export function rolling24hSums(outflows: readonly Outflow[], now: Date, days: number): bigint[] {
  const sums: bigint[] = [];
  for (let h = 0; h < days * 24; h++) {
    const end = now.getTime() - h * HOUR_MS;
    let sum = 0n;
    for (const o of outflows) {
      const t = o.at.getTime();
      if (t > end - DAY_MS && t <= end) sum += o.amount;
    }
    sums.push(sum);
  }
  return sums;
}

/** Nearest-rank percentile (p in 1..100) of non-negative amounts; 0 for none. */
export function percentile(values: readonly bigint[], p: number): bigint {
  if (values.length === 0) return 0n;
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** What the rule computes for now; `p95` is reported for an outflow rule (the input shown with the reading). */
export function boundsOf(rule: FloatRule, outflows: readonly Outflow[], now: Date): Bounds & { p95?: bigint } {
  if (rule.kind === 'fixed') return { target: rule.target, lower: rule.lower, upper: rule.upper };
  const p95 = percentile(rolling24hSums(outflows, now, rule.lookbackDays), 95);
  const target = p95 * BigInt(rule.coverDays) + rule.buffer;
  return {
    p95,
    target,
    lower: (target * BigInt(rule.lowerBps)) / 10_000n,
    upper: (target * BigInt(rule.upperBps)) / 10_000n,
  };
}

/** How far back outflows must be read for this rule (the oldest window's start). */
export function lookbackMs(rule: FloatRule): number {
  return rule.kind === 'fixed' ? DAY_MS : (rule.lookbackDays + 1) * DAY_MS;
}

/**
 * Seconds until the hot balance is spent at the last 24 h's outflow rate; null when nothing went
 * out (no run-out in sight).
 */
export function runoutSeconds(balance: bigint, outflows: readonly Outflow[], now: Date): number | null {
  const since = now.getTime() - DAY_MS;
  const last24h = outflows.filter((o) => o.at.getTime() > since && o.at.getTime() <= now.getTime());
  const spent = last24h.reduce((s, o) => s + o.amount, 0n);
  if (spent === 0n) return null;
  const positive = balance > 0n ? balance : 0n;
  return Number((positive * 86_400n) / spent);
}
