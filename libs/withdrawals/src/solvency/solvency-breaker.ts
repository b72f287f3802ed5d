import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '@strongroom/persistence';
import { decodeCursor, pageOf } from '@strongroom/shared-http';
import type { AssetCode } from '@strongroom/shared-types';
import type { PipelineDeps } from '../core/deps';
import { audit, auditActor, runTx } from '../core/run-tx';
import { pageLimit } from '../seq-page';
import { solvencyBreakerTripped } from './solvency-metrics';

export const SOLVENCY_ACTOR = 'system:solvency-gate';

export interface SolvencyBreaker {
  asset: AssetCode;
  tripped: boolean;
  trippedAt: string | null;
  reason: string | null;
  detail: unknown;
  incidentId: string | null;
  clearedBy: unknown;
  clearedAt: string | null;
  clearChangeId: string | null;
}

/** An incident the solvency gate raised when it refused to sign. */
export interface SolvencyIncident {
  id: string;
  asset: AssetCode;
  batchId: string | null;
  /** The refusal's reason: `ledger_shortfall`, `onchain_shortfall` or `hold_invalid`. */
  kind: string;
  detail: Record<string, unknown>;
  createdAt: string;
}

interface IncidentRow {
  id: string;
  asset: string;
  batch_id: string | null;
  kind: string;
  detail: Record<string, unknown>;
  created_at: Date;
}

const BreakerPosition = z.string().min(1).max(16);
const IncidentPosition = z.tuple([z.iso.datetime(), z.string().min(1).max(128)]);

interface BreakerRow {
  asset: string;
  tripped: boolean;
  tripped_at: Date | null;
  reason: string | null;
  detail: unknown;
  incident_id: string | null;
  cleared_by: unknown;
  cleared_at: Date | null;
  clear_change_id: string | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const view = (r: BreakerRow): SolvencyBreaker => ({
  asset: r.asset,
  tripped: r.tripped,
  trippedAt: iso(r.tripped_at),
  reason: r.reason,
  detail: r.detail,
  incidentId: r.incident_id,
  clearedBy: r.cleared_by,
  clearedAt: iso(r.cleared_at),
  clearChangeId: r.clear_change_id,
});

/** Assets whose breaker is tripped, among `assets`. */
export async function trippedAssets(q: Pick<Tx, 'query'>, assets: AssetCode[]): Promise<AssetCode[]> {
  const rows = await q.query<{ asset: string }>(
    `SELECT asset FROM withdrawals.solvency_breakers WHERE tripped AND asset IN (SELECT jsonb_array_elements_text($1::jsonb))`,
    [JSON.stringify(assets)],
  );
  return rows.map((r) => r.asset);
}

/** Breakers by asset, a page at a time. */
export async function listBreakers(
  q: Pick<Tx, 'query'>,
  page: { limit?: number; cursor?: string } = {},
): Promise<{ data: SolvencyBreaker[]; nextCursor: string | null }> {
  const limit = pageLimit(page.limit);
  const after = page.cursor === undefined ? null : decodeCursor(BreakerPosition, page.cursor);
  const rows = await q.query<BreakerRow>(
    `SELECT * FROM withdrawals.solvency_breakers WHERE ($1::text IS NULL OR asset > $1) ORDER BY asset LIMIT $2`,
    [after, limit + 1],
  );
  return pageOf(rows.map(view), limit, (b) => b.asset);
}

/** Incidents newest first (ties by id), a page at a time. */
export async function listIncidents(
  q: Pick<Tx, 'query'>,
  page: { limit?: number; cursor?: string } = {},
): Promise<{ data: SolvencyIncident[]; nextCursor: string | null }> {
  const limit = pageLimit(page.limit);
  const [at, id] = page.cursor === undefined ? [null, null] : decodeCursor(IncidentPosition, page.cursor);
  const rows = await q.query<IncidentRow>(
    `SELECT * FROM withdrawals.solvency_incidents
      WHERE ($1::timestamptz IS NULL OR created_at < $1::timestamptz OR (created_at = $1::timestamptz AND id > $2))
      ORDER BY created_at DESC, id LIMIT $3`,
    [at, id, limit + 1],
  );
  const incidents = rows.map((r) => ({
    id: r.id,
    asset: r.asset,
    batchId: r.batch_id,
    kind: r.kind,
    detail: r.detail,
    createdAt: new Date(r.created_at).toISOString(),
  }));
  // Incidents are written with the clock's millisecond times, so the ISO form is the stored instant.
  return pageOf(incidents, limit, (i) => [i.createdAt, i.id]);
}

/**
 * Trips the asset's breaker (once: a breaker already tripped keeps its first reason), raising an
 * incident, a webhook event and an audit record in one transaction.
 */
export async function tripBreaker(
  deps: PipelineDeps,
  asset: AssetCode,
  batchId: string,
  reason: string,
  detail: Record<string, unknown>,
): Promise<void> {
  const incident = { id: `solv_${randomUUID()}`, asset, batchId, kind: reason, detail };
  const tripped = await runTx(deps, async (tx) => {
    if (!(await tripInTx(tx, deps, incident))) return false; // another signer tripped it first
    await insertIncident(tx, incident, deps.clock.now());
    return true;
  });
  if (tripped) solvencyBreakerTripped.set({ asset }, 1);
}

export interface IncidentInput {
  id: string;
  asset: AssetCode;
  batchId: string;
  kind: string;
  detail: Record<string, unknown>;
}

/** Inserts an incident once per id; false if it was already recorded. */
export async function insertIncident(tx: Tx, i: IncidentInput, now: Date): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO withdrawals.solvency_incidents (id, asset, batch_id, kind, detail, created_at) VALUES ($1,$2,$3,$4,$5::jsonb,$6)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [i.id, i.asset, i.batchId, i.kind, JSON.stringify(i.detail), now],
  );
  return rows.length === 1;
}

/**
 * Trips the breaker naming incident `i` unless it is tripped already; on tripping also queues the
 * webhook event and the audit record. True if this call tripped it.
 */
export async function tripInTx(tx: Tx, deps: PipelineDeps, i: IncidentInput): Promise<boolean> {
  const tripped = await tx.query<{ asset: string }>(
    `INSERT INTO withdrawals.solvency_breakers (asset, tripped, tripped_at, reason, detail, incident_id) VALUES ($1, true, $2, $3, $4::jsonb, $5)
     ON CONFLICT (asset) DO UPDATE SET tripped = true, tripped_at = EXCLUDED.tripped_at, reason = EXCLUDED.reason, detail = EXCLUDED.detail,
       incident_id = EXCLUDED.incident_id, cleared_by = NULL, cleared_at = NULL, clear_change_id = NULL
       WHERE NOT withdrawals.solvency_breakers.tripped
     RETURNING asset`,
    [i.asset, deps.clock.now(), i.kind, JSON.stringify(i.detail), i.id],
  );
  if (tripped.length === 0) return false;
  const payload = { incidentId: i.id, batchId: i.batchId, reason: i.kind, detail: i.detail };
  await deps.outbox.enqueue(tx, {
    type: 'withdrawals.solvency_breaker_tripped',
    subject: `asset:${i.asset}`,
    payload: { asset: i.asset, ...payload },
  });
  audit(tx, {
    actor: auditActor(SOLVENCY_ACTOR),
    action: 'withdrawal_solvency_breaker.tripped',
    subject: { type: 'asset', id: i.asset },
    payload,
  });
  return true;
}
