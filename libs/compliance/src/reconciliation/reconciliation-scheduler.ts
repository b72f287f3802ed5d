import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Database } from '@strongroom/persistence';
import { stopWithin, type StopOutcome } from '@strongroom/shared-http';
import { Gauge } from 'prom-client';
import type { SnapshotService } from '../snapshot/snapshot.service';
import type { ReconciliationService } from './reconciliation.service';

export const reconciliationLastRun = new Gauge({
  name: 'strongroom_reconciliation_last_run_timestamp_seconds',
  help: 'Unix time at which the last scheduled snapshot + reconciliation run by this replica ended successfully',
});
export const reconciliationInterval = new Gauge({
  name: 'strongroom_reconciliation_interval_seconds',
  help: 'How often snapshot + reconciliation is scheduled (0 = only on demand)',
});

const JOB = 'reconciliation';
const logger = new Logger('ReconciliationScheduler');

/** The scheduled job: a snapshot taken by the scheduler, reconciled; anything but balanced is logged. */
export async function snapshotAndReconcile(
  snapshots: SnapshotService,
  reconciliations: ReconciliationService,
): Promise<void> {
  const snap = await snapshots.take('system:scheduler');
  const rec = await reconciliations.reconcile(snap.id);
  if (rec.status !== 'balanced') logger.warn(`reconciliation ${rec.id} of snapshot ${snap.id}: ${rec.status}`);
}
/** Claims older than this many slots are deleted by the replica that claims a slot. */
const KEEP_SLOTS = 1000;

/**
 * Snapshot + reconciliation every `everyMs`, once per deployment however many ledger replicas run:
 * time is cut into slots of `everyMs`, and a replica runs a slot only if its INSERT of the slot's
 * row in compliance.schedule_claims wins (primary key). An advisory lock would only serialise the
 * replicas, each still running once per tick; a row per slot makes the second one skip. A replica
 * that dies mid-run loses that slot only; the next slot is claimed afresh. (2026-12-02)
 */
export class ReconciliationScheduler implements OnModuleInit, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  /** The tick in progress, waited for on shutdown. */
  private current: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly everyMs: number,
    private readonly run: () => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  onModuleInit(): void {
    reconciliationInterval.set(Math.max(0, this.everyMs) / 1000);
    if (this.everyMs <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.everyMs);
    this.timer.unref();
  }

  /**
   * Before the database closes (the global DatabaseModule shuts down last): no new tick, and the
   * run in progress ends, at most DEFAULT_STOP_MS.
   */
  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  async stop(boundMs?: number): Promise<StopOutcome> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    return stopWithin('reconciliation scheduler', this.current, boundMs);
  }

  /** One tick: claims the current slot and runs it, or skips it (another replica has it, or a run is still going here). */
  async tick(): Promise<'ran' | 'skipped' | 'failed'> {
    if (this.current || this.stopped) return 'skipped';
    const run = this.runSlot();
    this.current = run;
    try {
      return await run;
    } finally {
      this.current = null;
    }
  }

  private async runSlot(): Promise<'ran' | 'failed' | 'skipped'> {
    try {
      if (!(await this.claim(Math.floor(this.now() / this.everyMs)))) return 'skipped';
      await this.run();
      reconciliationLastRun.set(this.now() / 1000);
      return 'ran';
    } catch (e) {
      logger.error(`scheduled reconciliation failed: ${(e as Error).message}`);
      return 'failed';
    }
  }

  private async claim(slot: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const won = await tx.query(
        `INSERT INTO compliance.schedule_claims (job, slot, claimed_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING slot`,
        [JOB, slot, this.owner],
      );
      if (won.length > 0)
        await tx.query(`DELETE FROM compliance.schedule_claims WHERE job = $1 AND slot < $2`, [JOB, slot - KEEP_SLOTS]);
      return won.length > 0;
    });
  }
}
