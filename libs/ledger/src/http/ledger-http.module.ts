import { Module } from '@nestjs/common';
import { AccountsController } from './accounts.controller';
import { InvariantsController } from './invariants.controller';
import { TransfersController } from './transfers.controller';

/**
 * The ledger's HTTP API under /v1. Import it next to `LedgerModule.forRoot()` (which provides
 * the service globally) — the ledger app and the embedded custody app both do.
 */
@Module({ controllers: [AccountsController, TransfersController, InvariantsController] })
export class LedgerHttpModule {}
