import { randomUUID } from 'node:crypto';
import { Gauge } from 'prom-client';
import type { AuditLog } from '@strongroom/audit';
import type { Database } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import { metricsRegistry } from '@strongroom/shared-http';
import { domainError } from '@strongroom/shared-types';
import { ComplianceErrors } from '../compliance.errors';
import type { ChainHoldings, LedgerCut, UnbookedMovements } from '../ports';
import type { SnapshotService } from '../snapshot/snapshot.service';
import { reconcileAsset, type AssetReconciliation, type Difference } from './reconcile-asset';

export interface Reconciliation {
  id: string;
  snapshotId: string;
  createdAt: string;
  status: 'balanced' | 'discrepancy' | 'shortfall';
  assets: AssetReconciliation[];
  differences: Difference[];
}

const shortfallGauge = new Gauge({
  name: 'strongroom_reconciliation_shortfall',
  help: 'Base units by which on-chain custody fails to cover user liabilities at the last reconciliation (0 = covered)',
  labelNames: ['asset'] as const,
  registers: [metricsRegistry],
});

/**
 * Reconciles a complete snapshot against the chains at its recorded heights. Every
 * difference is stored with its accounts and addresses; a shortfall also raises an incident and
 * sets the shortfall metric, which alerting watches.
 */
export class ReconciliationService {
  constructor(
    private readonly db: Database,
    private readonly snapshots: SnapshotService,
    private readonly ledger: LedgerCut,
    private readonly chains: ChainHoldings,
    private readonly unbooked: UnbookedMovements,
    private readonly assets: AssetRegistry,
    /** When given, every reconciliation (and the shortfalls it raises) is recorded in the audit log. */
    private readonly audit?: Pick<AuditLog, 'append'>,
  ) {}

  async reconcile(
    snapshotId: string,
    actor: { id: string; role: string } = { id: 'reconciliation', role: 'system' },
  ): Promise<Reconciliation> {
    const snap = await this.snapshots.get(snapshotId);
    if (snap.status !== 'complete')
      throw domainError(ComplianceErrors['snapshot.not_complete'], `snapshot ${snapshotId} is ${snap.status}`);
    const sequence = BigInt(snap.sequence);
    const house = await this.ledger.houseAccountsAsOf(sequence);
    const liabilities = new Map((snap.totals ?? []).map((t) => [t.asset, BigInt(t.balance)]));
    const summaries: AssetReconciliation[] = [];
    const differences: Difference[] = [];
    for (const asset of this.assets.all()) {
      const tip = snap.chainTips.find((t) => t.chain === asset.chain);
      if (!tip) continue;
      const [holdings, unbooked] = await Promise.all([
        this.chains.holdings(asset.code, tip),
        this.unbooked.unbooked(asset.code, tip, sequence),
      ]);
      const r = reconcileAsset({
        asset: asset.code,
        liabilities: liabilities.get(asset.code) ?? 0n,
        holdings,
        incoming: unbooked.incoming,
        outgoing: unbooked.outgoing,
        custodyAccounts: house.filter((a) => a.asset === asset.code && a.kind === 'custody'),
      });
      summaries.push(r.summary);
      differences.push(...r.differences);
      shortfallGauge.set(
        { asset: asset.code },
        Number(r.summary.status === 'shortfall' ? -BigInt(r.summary.coverage) : 0n),
      );
    }
    const status = summaries.some((s) => s.status === 'shortfall')
      ? 'shortfall'
      : summaries.some((s) => s.status === 'discrepancy')
        ? 'discrepancy'
        : 'balanced';
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO compliance.reconciliations (id, snapshot_id, status, assets, differences) VALUES ($1, $2, $3, $4, $5)`,
        [id, snapshotId, status, JSON.stringify(summaries), JSON.stringify(differences)],
      );
      await this.audit?.append(tx, {
        actor,
        action: 'reconciliation.completed',
        subject: { type: 'reconciliation', id },
        payload: { snapshotId, status, differences },
      });
      for (const d of differences.filter((x) => x.kind === 'shortfall')) {
        await tx.query(
          `INSERT INTO compliance.incidents (id, kind, asset, reconciliation_id, detail) VALUES ($1, 'reserve_shortfall', $2, $3, $4)`,
          [randomUUID(), d.asset, id, JSON.stringify(d)],
        );
      }
    });
    return this.get(id);
  }

  async get(id: string): Promise<Reconciliation> {
    const [row] = await this.db.query<RecRow>('SELECT * FROM compliance.reconciliations WHERE id = $1', [id]);
    if (!row) throw domainError(ComplianceErrors['reconciliation.not_found'], `reconciliation ${id} does not exist`);
    return toRec(row);
  }

  /** Reconciliations newest first, at most `limit` (1–501), after the reconciliation `afterId`. */
  async list(limit = 50, afterId?: string): Promise<Reconciliation[]> {
    const rows = await this.db.query<RecRow>(
      `SELECT * FROM compliance.reconciliations WHERE ${after('compliance.reconciliations')}
        ORDER BY created_at DESC, id DESC LIMIT $2`,
      [afterId ?? null, clamp(limit)],
    );
    return rows.map(toRec);
  }

  /** Reserve incidents newest first, at most `limit` (1–501), after the incident `afterId`. */
  async incidents(
    limit = 100,
    afterId?: string,
  ): Promise<
    {
      id: string;
      createdAt: string;
      kind: string;
      asset: string | null;
      reconciliationId: string | null;
      detail: unknown;
    }[]
  > {
    const rows = await this.db.query<{
      id: string;
      created_at: Date;
      kind: string;
      asset: string | null;
      reconciliation_id: string | null;
      detail: unknown;
    }>(
      `SELECT * FROM compliance.incidents WHERE ${after('compliance.incidents')} ORDER BY created_at DESC, id DESC LIMIT $2`,
      [afterId ?? null, clamp(limit)],
    );
    return rows.map((r) => ({
      id: r.id,
      createdAt: new Date(r.created_at).toISOString(),
      kind: r.kind,
      asset: r.asset,
      reconciliationId: r.reconciliation_id,
      detail: parse(r.detail),
    }));
  }
}

interface RecRow {
  id: string;
  snapshot_id: string;
  created_at: Date;
  status: Reconciliation['status'];
  assets: AssetReconciliation[] | string;
  differences: Difference[] | string;
}

/** A page of 500 and one to tell whether more follow. */
const clamp = (limit: number) => Math.min(Math.max(limit, 1), 501);

/**
 * Newest-first keyset position after row $1 (none when null). Read from that row, so the
 * microseconds of created_at never pass through a cursor; rows sharing a time are ordered by id.
 */
const after = (table: string) =>
  `($1::uuid IS NULL OR (created_at, id) < (SELECT created_at, id FROM ${table} WHERE id = $1::uuid))`;

const parse = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

function toRec(r: RecRow): Reconciliation {
  return {
    id: r.id,
    snapshotId: r.snapshot_id,
    createdAt: new Date(r.created_at).toISOString(),
    status: r.status,
    assets: parse(r.assets),
    differences: parse(r.differences),
  };
}
