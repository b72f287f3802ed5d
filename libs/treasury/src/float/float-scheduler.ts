import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Database } from '@strongroom/persistence';
import { floatLastReading, recordFloat } from '../treasury.metrics';
import { latestReadings } from './float-reading';

const JOB = 'float';
const KEEP_SLOTS = 1000;
const logger = new Logger('FloatScheduler');

/**
 * Float recomputation every `everyMs`, once per deployment however many replicas run: time is cut
 * into slots and a replica runs a slot only if its INSERT of the slot's row in
 * treasury.schedule_claims wins (the reconciliation scheduler's pattern; its claims table belongs
 * to compliance, so the treasury keeps its own). The readings' unique (asset, owner, slot) index
 * holds the same line should two runs of one slot ever meet. (2026-12-04)
 */
export class FloatScheduler implements OnModuleInit, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private running = false;

  constructor(
    private readonly db: Database,
    private readonly everyMs: number,
    private readonly run: (slot: bigint) => Promise<unknown>,
    private readonly now: () => number = Date.now,
    /** A replica that lost the slot sets its gauges from the readings another one wrote. */
    private readonly refresh: () => Promise<void> = async () => undefined,
  ) {}

  onModuleInit(): void {
    if (this.everyMs <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.everyMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async tick(): Promise<'ran' | 'skipped' | 'failed'> {
    if (this.running) return 'skipped';
    this.running = true;
    try {
      const slot = BigInt(Math.floor(this.now() / this.everyMs));
      if (!(await this.claim(slot))) {
        // Every replica is scraped: without this the losers would report their last own reading.
        await this.refresh();
        return 'skipped';
      }
      await this.run(slot);
      floatLastReading.set(this.now() / 1000);
      return 'ran';
    } catch (e) {
      logger.error(`scheduled float recomputation failed: ${(e as Error).message}`);
      return 'failed';
    } finally {
      this.running = false;
    }
  }

  private async claim(slot: bigint): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const won = await tx.query(
        `INSERT INTO treasury.schedule_claims (job, slot, claimed_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING slot`,
        [JOB, slot.toString(), this.owner],
      );
      if (won.length > 0)
        await tx.query(`DELETE FROM treasury.schedule_claims WHERE job = $1 AND slot < $2`, [
          JOB,
          (slot - BigInt(KEEP_SLOTS)).toString(),
        ]);
      return won.length > 0;
    });
  }
}

/** Sets the float gauges from the latest reading of every float, whoever wrote it. */
export async function recordLatestFloats(db: Database): Promise<void> {
  for (const r of await latestReadings(db)) if (r.outcome !== 'no_wallet') recordFloat(r);
}
