import type { Database } from '@strongroom/persistence';
import { auditChainerErrors, measureUnchained } from './audit-metrics';
import { AdvisoryChainerSeat, InProcessChainerSeat, type ChainerSeat } from './chainer-seat';
import { stopWithin, type StopOutcome } from '@strongroom/shared-http';

export interface AuditChainerOptions {
  /** Pause after a round that found nothing to link, in ms (default 20). */
  idleMs?: number;
  /** Entries linked per round, one transaction each (default 500). */
  batchSize?: number;
  /** How often a process that does not lead tries to, and the pause after a failed round, in ms (default 1000). */
  retryMs?: number;
  /** How often the unchained-tail gauges are refreshed, in ms (default 5000). */
  measureEveryMs?: number;
}

/**
 * The loop that links committed audit entries into the chain, a few milliseconds after their
 * writers commit. Every process that writes entries may run one; one of them leads per database
 * (an advisory lock on PostgreSQL, in memory on PGlite) and the others wait to take over. Each
 * process refreshes the unchained-tail gauges, leading or not. Start it outside any transaction.
 */
export class AuditChainer {
  private readonly seat: ChainerSeat;
  private readonly idleMs: number;
  private readonly batchSize: number;
  private readonly retryMs: number;
  private readonly measureEveryMs: number;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private measuredAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Database,
    options: AuditChainerOptions = {},
  ) {
    this.seat = db.backend === 'postgres' ? new AdvisoryChainerSeat(urlOf(db)) : new InProcessChainerSeat(db);
    this.idleMs = options.idleMs ?? 20;
    this.batchSize = options.batchSize ?? 500;
    this.retryMs = options.retryMs ?? 1_000;
    this.measureEveryMs = options.measureEveryMs ?? 5_000;
  }

  /** Whether this process leads the chain at the moment. */
  get leading(): boolean {
    return this.running && this.seat.leading;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const pause = await this.step();
        if (this.running && pause > 0) await this.pause(pause);
      }
      await this.seat.release();
    })();
  }

  /** Stops after the round in progress (which commits or rolls back whole) and gives up leading. */
  /** Starts no new step and waits for the one in progress, at most `boundMs` (then shutdown goes on without it). */
  async stop(boundMs?: number): Promise<StopOutcome> {
    this.running = false;
    this.wake?.();
    return stopWithin('audit chainer', this.loop, boundMs);
  }

  /** One turn: measure now and then, lead if possible, link a batch. Returns the pause before the next. */
  private async step(): Promise<number> {
    try {
      await this.measure();
      if (!(await this.seat.acquire())) return this.retryMs;
      const linked = await this.seat.round(this.batchSize);
      return linked >= this.batchSize ? 0 : this.idleMs;
    } catch {
      // The database may be briefly unavailable, or another chainer moved the head: retry later.
      auditChainerErrors.inc();
      await this.seat.release().catch(() => undefined);
      return this.retryMs;
    }
  }

  private async measure(): Promise<void> {
    const now = Date.now();
    if (now - this.measuredAt < this.measureEveryMs) return;
    this.measuredAt = now;
    await measureUnchained(this.db);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function urlOf(db: Database): string {
  const url = (db.dataSource.options as { url?: string }).url;
  if (!url) throw new Error('the audit chainer needs the PostgreSQL connection URL of the database');
  return url;
}
