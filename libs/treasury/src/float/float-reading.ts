import type { Queryable } from '@strongroom/api-auth';
import type { Tx } from '@strongroom/persistence';
import type { FloatRuleJson } from '../rules/policy-input';

export type ReadingOutcome = 'ok' | 'above_upper' | 'below_lower' | 'no_wallet';

/** One recomputation of one float: what was read, the rule applied, and what it decided. */
export interface FloatReading {
  id: bigint;
  asset: string;
  owner: string;
  slot: bigint | null;
  hotWalletId: string | null;
  coldWalletId: string | null;
  balance: bigint;
  target: bigint;
  lower: bigint;
  upper: bigint;
  inputs: Record<string, unknown>;
  rule: FloatRuleJson;
  outcome: ReadingOutcome;
  runoutSeconds: number | null;
  runoutAlert: boolean;
  rebalanceId: string | null;
  createdAt: Date;
}

export type NewReading = Omit<FloatReading, 'id' | 'createdAt' | 'rebalanceId'>;

interface ReadingRow {
  id: string;
  asset: string;
  owner: string;
  slot: string | null;
  hot_wallet_id: string | null;
  cold_wallet_id: string | null;
  balance: string;
  target: string;
  lower_bound: string;
  upper_bound: string;
  inputs: Record<string, unknown> | string;
  rule: FloatRuleJson | string;
  outcome: ReadingOutcome;
  runout_seconds: string | null;
  runout_alert: boolean;
  rebalance_id: string | null;
  created_at: Date | string;
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

function toReading(r: ReadingRow): FloatReading {
  return {
    id: BigInt(r.id),
    asset: r.asset,
    owner: r.owner,
    slot: r.slot === null ? null : BigInt(r.slot),
    hotWalletId: r.hot_wallet_id,
    coldWalletId: r.cold_wallet_id,
    balance: BigInt(r.balance),
    target: BigInt(r.target),
    lower: BigInt(r.lower_bound),
    upper: BigInt(r.upper_bound),
    inputs: json(r.inputs),
    rule: json(r.rule),
    outcome: r.outcome,
    runoutSeconds: r.runout_seconds === null ? null : Number(r.runout_seconds),
    runoutAlert: r.runout_alert,
    rebalanceId: r.rebalance_id,
    createdAt: new Date(r.created_at),
  };
}

/** Inserts the reading; null when this slot's reading of the float exists already (another replica wrote it). */
export async function insertReading(tx: Tx, r: NewReading): Promise<FloatReading | null> {
  const rows = await tx.query<ReadingRow>(
    `INSERT INTO treasury.float_readings (asset, owner, slot, hot_wallet_id, cold_wallet_id, balance, target,
       lower_bound, upper_bound, inputs, rule, outcome, runout_seconds, runout_alert)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12, $13, $14)
     ON CONFLICT (asset, owner, slot) WHERE slot IS NOT NULL DO NOTHING RETURNING *`,
    [
      r.asset,
      r.owner,
      r.slot === null ? null : r.slot.toString(),
      r.hotWalletId,
      r.coldWalletId,
      r.balance.toString(),
      r.target.toString(),
      r.lower.toString(),
      r.upper.toString(),
      JSON.stringify(r.inputs),
      JSON.stringify(r.rule),
      r.outcome,
      r.runoutSeconds,
      r.runoutAlert,
    ],
  );
  return rows.length ? toReading(rows[0]) : null;
}

export async function linkRebalance(tx: Tx, readingId: bigint, rebalanceId: string): Promise<void> {
  await tx.query(`UPDATE treasury.float_readings SET rebalance_id = $2 WHERE id = $1`, [
    readingId.toString(),
    rebalanceId,
  ]);
}

/** The latest reading of every float (of these owners when given), by asset then owner. */
export async function latestReadings(db: Queryable, owners?: readonly string[]): Promise<FloatReading[]> {
  const rows = await db.query<ReadingRow>(
    `SELECT DISTINCT ON (asset, owner) * FROM treasury.float_readings
      WHERE ($1::text[] IS NULL OR owner = ANY($1::text[]))
      ORDER BY asset, owner, id DESC`,
    [owners ? [...owners] : null],
  );
  return rows.map(toReading);
}
