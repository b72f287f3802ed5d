import {
  Inject,
  Injectable,
  Logger,
  Module,
  Optional,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { LEDGER_OPTIONS, LedgerService, type LedgerOptions } from './ledger.service';

/** Voids timed-out pendings on an interval, writing void records so history stays complete. */
@Injectable()
export class LedgerSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LedgerSweeper');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly ledger: LedgerService,
    @Optional() @Inject(LEDGER_OPTIONS) private readonly options: LedgerOptions | null = null,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.options?.sweepIntervalMs ?? 1000;
    if (every <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.ledger
        .expirePending()
        .then((n) => n > 0 && this.logger.log(`voided ${n} timed-out pending transfer(s)`))
        .catch((err: unknown) => this.logger.error(`expiring pendings failed: ${String(err)}`))
        .finally(() => (this.running = undefined));
    }, every);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}

/**
 * Stamps, every `sequenceIntervalMs` (default 20 ms), the batches nobody waits for: those written
 * inside callers' transactions, whose commit the ledger does not see. Writers without a
 * transaction and readers that meet an unstamped transfer ask for a round themselves.
 */
@Injectable()
export class LedgerSequencerLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LedgerSequencer');
  private lastError = 0;

  constructor(
    private readonly ledger: LedgerService,
    @Optional() @Inject(LEDGER_OPTIONS) private readonly options: LedgerOptions | null = null,
  ) {}

  onApplicationBootstrap(): void {
    this.ledger.sequencer.start(this.options?.sequenceIntervalMs ?? 20, (err) => {
      // A round that fails (database away) is retried on the next tick; say so at most once a minute.
      if (Date.now() - this.lastError < 60_000) return;
      this.lastError = Date.now();
      this.logger.error(`sequencer round failed: ${String(err)}`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.ledger.sequencer.stop();
  }
}

/** The ledger service (and its sweeper and sequencer loop). Needs the app's DATABASE provider. */
@Module({})
export class LedgerModule {
  static forRoot(options: LedgerOptions = {}): DynamicModule {
    return {
      module: LedgerModule,
      global: true,
      providers: [{ provide: LEDGER_OPTIONS, useValue: options }, LedgerService, LedgerSweeper, LedgerSequencerLoop],
      exports: [LedgerService],
    };
  }
}
