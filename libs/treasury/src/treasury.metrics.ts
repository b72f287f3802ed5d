import { Gauge } from 'prom-client';

const labelNames = ['asset', 'owner'] as const;

// Base units exceed 2^53 for 18-decimal assets: gauges are floats, fine for dashboards and
// alerts; the readings keep the exact numbers.
export const hotBalanceGauge = new Gauge({
  name: 'strongroom_treasury_hot_balance_base_units',
  help: 'Hot wallet balance per the ledger custody account at the last float reading',
  labelNames,
});
export const floatTargetGauge = new Gauge({
  name: 'strongroom_treasury_float_target_base_units',
  help: 'Float target of the hot wallet at the last reading',
  labelNames,
});
export const floatLowerGauge = new Gauge({
  name: 'strongroom_treasury_float_lower_base_units',
  help: 'Lower bound of the hot float: below it a cold → hot replenishment is requested',
  labelNames,
});
export const floatUpperGauge = new Gauge({
  name: 'strongroom_treasury_float_upper_base_units',
  help: 'Upper bound of the hot float: above it the excess is planned hot → cold',
  labelNames,
});
export const runoutGauge = new Gauge({
  name: 'strongroom_treasury_runout_seconds',
  help: 'Seconds until the hot float is spent at the last 24 h outflow rate (+Inf when nothing went out)',
  labelNames,
});
export const runoutAlertGauge = new Gauge({
  name: 'strongroom_treasury_runout_alert',
  help: '1 when the hot float runs out before a replenishment could land (run-out < the policy lead time)',
  labelNames,
});
export const floatLastReading = new Gauge({
  name: 'strongroom_treasury_last_reading_timestamp_seconds',
  help: 'Unix time at which this replica last finished a scheduled float recomputation',
});

export interface FloatGaugeValues {
  asset: string;
  owner: string;
  balance: bigint;
  target: bigint;
  lower: bigint;
  upper: bigint;
  runoutSeconds: number | null;
  runoutAlert: boolean;
}

export function recordFloat(v: FloatGaugeValues): void {
  const l = { asset: v.asset, owner: v.owner };
  hotBalanceGauge.set(l, Number(v.balance));
  floatTargetGauge.set(l, Number(v.target));
  floatLowerGauge.set(l, Number(v.lower));
  floatUpperGauge.set(l, Number(v.upper));
  runoutGauge.set(l, v.runoutSeconds ?? Infinity);
  runoutAlertGauge.set(l, v.runoutAlert ? 1 : 0);
}
