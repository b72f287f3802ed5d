import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { DualControl, type ChangeHandler } from '@strongroom/api-auth';
import type { AssetRegistry } from '@strongroom/shared-assets';
import { LedgerService } from '../ledger.service';
import { AccountsController } from './accounts.controller';
import {
  CORRECTION_CHANGE_ERRORS,
  CORRECTION_KIND,
  executeCorrection,
  parseCorrection,
  type Correction,
} from './correction';
import { CorrectionsController } from './corrections.controller';
import { InvariantsController } from './invariants.controller';
import { LEDGER_ASSETS, LedgerAccess } from './ledger-access';
import { transferView } from './ledger.views';
import { TransfersController } from './transfers.controller';

/**
 * The ledger's HTTP API under /v1. Import it next to `LedgerModule.forRoot()` (which provides
 * the service globally) and `AuthModule` (which provides DualControl) — the ledger app and the
 * embedded custody app both do. `forRoot({ assets })` names the assets accounts may be opened in
 * (default: the built-in registry).
 */
@Module({
  controllers: [AccountsController, TransfersController, InvariantsController, CorrectionsController],
  providers: [LedgerAccess],
})
export class LedgerHttpModule implements OnModuleInit {
  constructor(
    private readonly dual: DualControl,
    private readonly ledger: LedgerService,
  ) {}

  static forRoot(options: { assets?: AssetRegistry } = {}): DynamicModule {
    return {
      module: LedgerHttpModule,
      providers: options.assets ? [{ provide: LEDGER_ASSETS, useValue: options.assets }] : [],
    };
  }

  onModuleInit(): void {
    const handler: ChangeHandler<Correction> = {
      kind: CORRECTION_KIND,
      parse: parseCorrection,
      execute: async (tx, payload, ctx) => transferView(await executeCorrection(this.ledger, tx, payload, ctx)),
      errors: CORRECTION_CHANGE_ERRORS,
    };
    this.dual.register(handler);
  }
}
