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

/** The ledger service (and its sweeper). Needs the app's DATABASE provider. */
@Module({})
export class LedgerModule {
  static forRoot(options: LedgerOptions = {}): DynamicModule {
    return {
      module: LedgerModule,
      global: true,
      providers: [{ provide: LEDGER_OPTIONS, useValue: options }, LedgerService, LedgerSweeper],
      exports: [LedgerService],
    };
  }
}
