import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Roles } from '@strongroom/api-auth';
import { LedgerService } from '../ledger.service';
import { invariantView } from './ledger.views';
import { InvariantSchema } from './openapi';

@ApiTags('ledger: invariants')
@ApiSecurity('key')
@Controller('v1/invariants')
export class InvariantsController {
  constructor(private readonly ledger: LedgerService) {}

  @Get()
  @Roles('auditor')
  @ApiOperation({
    summary: 'Check the ledger invariants now',
    description:
      'Per asset Σdebits = Σcredits (pending and posted); no account breaks its flags; each row equals the sum of its transfers; pendings resolve at most once; sequences are gap-free.',
  })
  @ApiOkResponse({ schema: InvariantSchema })
  async check() {
    return invariantView(await this.ledger.checkInvariants());
  }
}
