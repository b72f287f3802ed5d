import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '@strongroom/api-auth';
import { ApiContract } from '@strongroom/shared-http';
import { LedgerService } from '../ledger.service';
import { invariantView } from './ledger.views';
import { InvariantReportWire } from './ledger-wire';

@ApiTags('ledger: invariants')
@Controller('v1/invariants')
export class InvariantsController {
  constructor(private readonly ledger: LedgerService) {}

  @Get()
  @Roles('auditor')
  @ApiContract({
    summary: 'Check the ledger invariants now',
    description:
      'Per asset Σdebits = Σcredits (pending and posted); no account breaks its flags; each row equals the sum of ' +
      'its transfers; pendings resolve at most once; sequences are gap-free. `ok` is false with the `violations` ' +
      'when any fails. Auditor (and admin) keys; per-asset totals only, no client data.',
    responses: { 200: InvariantReportWire },
  })
  async check() {
    return invariantView(await this.ledger.checkInvariants());
  }
}
